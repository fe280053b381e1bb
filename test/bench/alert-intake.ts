// Alert intake under a storm: 2,000 alerts per second into POST /alerts (the bot's intake
// listener on its own thread, as with `alerts.port`, + real Redis) while the worker side
// (forwarder, outbox, Slack simulator with its rate limits) runs on another thread, against a bare
// node:http server that reads and JSON-parses the same bodies from the same generator. Meanwhile
// `/runner status` commands reach the bot's Bolt app in the same process as the intake (on the
// main thread): their ack p99 during the storm vs without it. Alerts accepted but never forwarded
// are lost. Last line: one JSON object.
// Run: npm run bench -- alert-intake
import { createServer, request, Agent, type Server } from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { startIntakeListener } from '../../src/composition/alert-intake-listener.ts';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import { startSlackSim } from '../../sim/slack/index.ts';
import { startAlertRunnerbot } from '../integration/alerts/alert-runnerbot.ts';
import { ALICE, OPS, startBotHarness } from '../integration/bot/listener-harness.ts';
import type { SlackSim } from '../../sim/slack/index.ts';
import { REDIS_URL, deletePrefix, drained, loopbackIntake, newPrefix } from '../integration/alerts/support.ts';
import { workspace } from '../integration/alerts/workspace.ts';

const ALERTS_PER_SECOND = 2000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ACKS_PER_SECOND = 20;
const ALERTS_PER_REQUEST = 1;
const TICK_MS = 10;
const GROUPS = 300;
const TOKEN = 'bench-alerts-token';

function notification(i: number): string {
  const runner = `gitlab-runner-${i % GROUPS}`;
  const severity = i % 3 === 0 ? 'critical' : 'warning';
  const alertname = 'RunnerDown';
  const labels = { alertname, severity, runner };
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="${alertname}", runner="${runner}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'runnerbot',
    groupLabels: { alertname, runner },
    commonLabels: labels,
    commonAnnotations: { summary: `${runner} is down` },
    externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: ALERTS_PER_REQUEST }, (_, k) => ({
      status: 'firing',
      labels: { ...labels, instance: `${runner}:9100`, n: String(i * ALERTS_PER_REQUEST + k) },
      annotations: { summary: `${runner} is down` },
      startsAt: new Date().toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: `${i}-${k}`,
    })),
  });
}

interface LoadResult {
  latenciesMs: number[];
  accepted: number;
  refused: number;
  errors: number;
}

function post(agent: Agent, url: URL, body: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${TOKEN}`,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends ALERTS_PER_SECOND for SECONDS, in ticks, without waiting for answers before the next tick. */
async function load(target: string): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL('/alerts', target);
  const result: LoadResult = { latenciesMs: [], accepted: 0, refused: 0, errors: 0 };
  const perTick = (ALERTS_PER_SECOND / ALERTS_PER_REQUEST) * (TICK_MS / 1000);
  const bodies = Array.from({ length: perTick * (1000 / TICK_MS) * SECONDS }, (_, i) => notification(i));
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let tick = 0; tick * TICK_MS < SECONDS * 1000; tick++) {
    const due = start + tick * TICK_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let k = 0; k < perTick; k++) {
      inFlight.push(
        post(agent, url, bodies[tick * perTick + k]!).then(
          ({ status, ms }) => {
            result.latenciesMs.push(ms);
            if (status >= 200 && status < 300) result.accepted += ALERTS_PER_REQUEST;
            else result.refused += ALERTS_PER_REQUEST;
          },
          () => void result.errors++,
        ),
      );
    }
  }
  await Promise.all(inFlight);
  agent.destroy();
  return result;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

type Role = { role: 'load'; target: string } | { role: 'forwarder'; prefix: string };

/** This file again on a thread of its own (its own event loop), as a separate process would be. */
function thread(data: Role): Worker {
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

const answer = <T>(worker: Worker): Promise<T> =>
  new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });

/** The load runs on its own thread, so it does not compete with the server it measures. */
async function loadFromThread(target: string): Promise<LoadResult> {
  const worker = thread({ role: 'load', target });
  try {
    return await answer<LoadResult>(worker);
  } finally {
    await worker.terminate();
  }
}

interface ForwarderReport {
  forwarded: number;
  slack: ReturnType<typeof slackRates>;
}

/** The worker side (forwarder, outbox delivery, Slack simulator), as `runnerbot worker` runs apart from the bot. */
async function forwarderThread(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const slack = await startSlackSim(workspace);
  const forwarder = await startAlertRunnerbot({ redisUrl: REDIS_URL, prefix, slack, token: TOKEN });
  await forwarder.pauseForwarding();
  parentPort!.postMessage('ready');
  await new Promise((resolve) => parentPort!.once('message', resolve));
  await forwarder.resumeForwarding();
  parentPort!.postMessage('forwarding');
  await new Promise((resolve) => parentPort!.once('message', resolve));
  const deadline = Date.now() + 120_000;
  while (!(await drained(redis, prefix)) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
  const report: ForwarderReport = { forwarded: forwarder.forwardedAlerts(), slack: slackRates(slack.received) };
  await forwarder.stop();
  await slack.close();
  redis.disconnect();
  parentPort!.postMessage(report);
}

/** Only the bot side: POST /alerts on its own listener and thread (`alerts.port`), writing to the intake stream. */
async function startIntake(prefix: string) {
  const logger = createLogger({ level: 'warn', secrets: [TOKEN] });
  const listener = startIntakeListener(loopbackIntake(prefix, TOKEN, 1 << 20), { metrics: createMetrics(), logger });
  await listener.start();
  return { url: `http://127.0.0.1:${listener.port()}`, stop: () => listener.stop() };
}

async function baseline(): Promise<LoadResult> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { alerts } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts: unknown[] };
      res
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'queued', alerts: alerts.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await loadFromThread(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Posts and updates per channel per second, and the most posts any channel got in one second. */
function slackRates(
  received: { at: number; kind: string; name: string; args: Record<string, unknown>; error?: string }[],
) {
  const calls = received.filter(
    (r) => r.kind === 'api' && (r.name === 'chat.postMessage' || r.name === 'chat.update') && !r.error,
  );
  const rows: Record<
    string,
    { posts: number; updates: number; postsPerSecond: string; updatesPerSecond: string; maxPostsInOneSecond: number }
  > = {};
  const channels = [...new Set(calls.map((c) => String(c.args.channel)))];
  for (const channel of channels) {
    const mine = calls.filter((c) => String(c.args.channel) === channel);
    const span = Math.max(1, (Math.max(...mine.map((c) => c.at)) - Math.min(...mine.map((c) => c.at))) / 1000);
    const posts = mine.filter((c) => c.name === 'chat.postMessage').map((c) => c.at);
    const maxPostsInOneSecond = Math.max(0, ...posts.map((t) => posts.filter((u) => u >= t && u < t + 1000).length));
    const updates = mine.length - posts.length;
    rows[channel] = {
      posts: posts.length,
      updates,
      postsPerSecond: (posts.length / span).toFixed(2),
      updatesPerSecond: (updates / span).toFixed(2),
      maxPostsInOneSecond,
    };
  }
  return { rows, rateLimited: received.filter((r) => r.error === 'ratelimited').length };
}

/** `/runner status` at ACKS_PER_SECOND for `seconds`: each delivery's ack time as Slack sees it. */
async function statusAcks(sim: SlackSim, seconds: number): Promise<number[]> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: ACKS_PER_SECOND * seconds }, async (_, i) => {
      const wait = started + (i * 1000) / ACKS_PER_SECOND - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return sim.sendSlashCommand({ text: 'status gitlab-runner-02', userId: ALICE, channelId: OPS });
    }),
  );
  return results.map((r) => r.ackMs);
}

export async function run(): Promise<void> {
  const prefix = newPrefix();
  const slackBot = await startBotHarness({ transport: 'http' });
  const redis = new Redis(REDIS_URL);
  const worker = thread({ role: 'forwarder', prefix });
  await answer(worker);
  const bot = await startIntake(prefix);
  try {
    await statusAcks(slackBot.sim, 1);
    const acksQuiet = await statusAcks(slackBot.sim, SECONDS);
    const base = await baseline();
    const [alone, acksStorm] = await Promise.all([loadFromThread(bot.url), statusAcks(slackBot.sim, SECONDS)]);
    worker.postMessage('forward');
    await answer(worker);
    const intake = await loadFromThread(bot.url);
    intake.accepted += alone.accepted;
    worker.postMessage('finish');
    const { forwarded, slack: slackSeen } = await answer<ForwarderReport>(worker);
    const lost = intake.accepted - forwarded;
    const [b50, b99, i50, i99] = [
      percentile(base.latenciesMs, 50),
      percentile(base.latenciesMs, 99),
      percentile(intake.latenciesMs, 50),
      percentile(intake.latenciesMs, 99),
    ];
    console.log(
      `alert intake: ${ALERTS_PER_SECOND} alerts/s for ${SECONDS} s, twice (${ALERTS_PER_REQUEST} alert per request, ${GROUPS} groups)`,
    );
    console.table({
      'bare node:http (baseline)': {
        p50ms: b50.toFixed(2),
        p99ms: b99.toFixed(2),
        accepted: base.accepted,
        refused: base.refused,
        errors: base.errors,
      },
      'POST /alerts, worker side paused': {
        p50ms: percentile(alone.latenciesMs, 50).toFixed(2),
        p99ms: percentile(alone.latenciesMs, 99).toFixed(2),
        accepted: alone.accepted,
        refused: alone.refused,
        errors: alone.errors,
      },
      'POST /alerts, worker forwarding on the same cores': {
        p50ms: i50.toFixed(2),
        p99ms: i99.toFixed(2),
        accepted: intake.accepted - alone.accepted,
        refused: intake.refused,
        errors: intake.errors,
      },
    });
    const [a50, a99] = [percentile(alone.latenciesMs, 50), percentile(alone.latenciesMs, 99)];
    console.log(
      `ratio to baseline, worker paused: p50 ${(a50 / b50).toFixed(1)}x, p99 ${(a99 / b99).toFixed(1)}x; worker forwarding: p50 ${(i50 / b50).toFixed(1)}x, p99 ${(i99 / b99).toFixed(1)}x (target: p99 < 100 ms)`,
    );
    console.log(`alerts lost: ${lost} (accepted ${intake.accepted}, forwarded ${forwarded}; must be 0)`);
    console.log(
      `Slack, per channel (limit: 1 chat.postMessage per second per channel); unhandled 429s: ${slackSeen.rateLimited}`,
    );
    console.table(slackSeen.rows);
    const [q99, s99] = [percentile(acksQuiet, 99), percentile(acksStorm, 99)];
    console.log(
      `/runner status ack p99 (same process as the intake): ${q99.toFixed(1)} ms quiet, ${s99.toFixed(1)} ms during the storm (goal: storm <= 2x quiet)`,
    );
    const unanswered = alone.errors + intake.errors + alone.refused + intake.refused;
    console.log(
      `goal: POST /alerts p99 <= 1.2x the bare server's (worker paused: ${(a99 / b99).toFixed(2)}x), 0 lost (${lost}; refused or failed requests, which Alertmanager retries: ${unanswered})`,
    );
    const r = (x: number) => Math.round(x * 100) / 100;
    console.log(
      JSON.stringify({
        bench: 'alert-intake',
        p99_vs_bare: r(a99 / b99),
        lost,
        ack_p99_storm_vs_quiet: r(s99 / q99),
        p99_forwarding_vs_bare: r(i99 / b99),
        unanswered,
        p99_ms: {
          bare: Math.round(b99),
          intake: Math.round(a99),
          intake_forwarding: Math.round(i99),
          ack_quiet: Math.round(q99),
          ack_storm: Math.round(s99),
        },
      }),
    );
  } finally {
    await bot.stop();
    await slackBot.close();
    await worker.terminate();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

const role = workerData as Role | null;
if (!isMainThread && role?.role === 'load') parentPort!.postMessage(await load(role.target));
else if (!isMainThread && role?.role === 'forwarder') await forwarderThread(role.prefix);
else if (import.meta.url === `file://${process.argv[1]}`) await run();
