// Alert intake under a storm: 2,000 alerts per second into POST /alerts (the bot's intake
// listener on its own thread, as with `alerts.port`, + real Redis) while the worker side
// (forwarder, outbox, Slack simulator with its rate limits) runs on another thread, against two
// floors fed by the same generator, each on a thread of its own like the intake: a bare node:http
// server that reads and JSON-parses the same bodies (the baseline), and the same server
// made durable, which also XADDs each body to a Redis stream (one pipeline per turn of its event
// loop) before its 202: the least any intake that loses nothing must do. After a second of warm-up
// each, the three take six turns each, in rotation; a side's p99 is the median of its turns' p99s.
// Meanwhile `/runner status` commands reach the bot's Bolt app in the same process as the intake
// (on the main thread): their ack p99 during the intake's storms vs without them. Alerts accepted
// but never forwarded are lost. Last line: one JSON object.
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
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = 6;
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

/** Sends ALERTS_PER_SECOND for `seconds`, in ticks, without waiting for answers before the next tick. */
async function load(target: string, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL('/alerts', target);
  const result: LoadResult = { latenciesMs: [], accepted: 0, refused: 0, errors: 0 };
  const perTick = (ALERTS_PER_SECOND / ALERTS_PER_REQUEST) * (TICK_MS / 1000);
  const bodies = Array.from({ length: perTick * (1000 / TICK_MS) * seconds }, (_, i) => notification(i));
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let tick = 0; tick * TICK_MS < seconds * 1000; tick++) {
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

type Floor = 'bare' | 'durable';
type Role =
  | { role: 'load'; target: string; seconds: number }
  | { role: 'forwarder'; prefix: string }
  | { role: 'floor'; floor: Floor; prefix: string };

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
async function loadFromThread(target: string, seconds = SECONDS): Promise<LoadResult> {
  const worker = thread({ role: 'load', target, seconds });
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

/**
 * A floor server on this thread until told to stop: reads and parses each body, and (durable) XADDs
 * it, the notifications of one turn in one pipeline, before answering 202.
 */
async function floorThread(floor: Floor, prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const stream = `${prefix}:floor`;
  let batch: { body: string; done: () => void }[] = [];
  const flush = () => {
    const pending = batch;
    batch = [];
    const pipeline = redis.pipeline();
    for (const { body } of pending) pipeline.xadd(stream, '*', 'p', body);
    void pipeline.exec().then(() => pending.forEach((p) => p.done()));
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const { alerts } = JSON.parse(body) as { alerts: unknown[] };
      const answer = () =>
        res
          .writeHead(202, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'queued', alerts: alerts.length }));
      if (floor === 'bare') return answer();
      if (batch.length === 0) setImmediate(flush);
      batch.push({ body, done: answer });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  parentPort!.postMessage(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => parentPort!.once('message', resolve));
  server.closeAllConnections();
  server.close();
  await redis.del(stream);
  redis.disconnect();
  parentPort!.postMessage('stopped');
}

async function startFloor(floor: Floor, prefix: string): Promise<{ url: string; stop(): Promise<void> }> {
  const worker = thread({ role: 'floor', floor, prefix });
  const url = await answer<string>(worker);
  return {
    url,
    stop: async () => {
      worker.postMessage('stop');
      await answer(worker);
      await worker.terminate();
    },
  };
}

const p99 = (r: LoadResult) => percentile(r.latenciesMs, 99);
/** A side's p99: the median of its turns' p99s (one noisy turn on a shared machine does not decide it). */
const medianP99 = (results: LoadResult[]) => percentile(results.map(p99), 50);

/** Each side's samples over every turn it had. */
const merged = (results: LoadResult[]): LoadResult => ({
  latenciesMs: results.flatMap((r) => r.latenciesMs),
  accepted: results.reduce((n, r) => n + r.accepted, 0),
  refused: results.reduce((n, r) => n + r.refused, 0),
  errors: results.reduce((n, r) => n + r.errors, 0),
});

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
  const floors = { bare: await startFloor('bare', prefix), durable: await startFloor('durable', prefix) };
  try {
    await statusAcks(slackBot.sim, 1);
    const acksQuiet = await statusAcks(slackBot.sim, SECONDS);
    const sides = ['bare', 'durable', 'intake'] as const;
    const urlOf = (side: (typeof sides)[number]) => (side === 'intake' ? bot.url : floors[side].url);
    // A second of storm each first (compiled code, warm connections), not measured; its alerts count as accepted.
    let warmupAccepted = 0;
    for (const side of sides) {
      const warm = await loadFromThread(urlOf(side), 1);
      if (side === 'intake') warmupAccepted = warm.accepted;
    }
    const turns: Record<(typeof sides)[number], LoadResult[]> = { bare: [], durable: [], intake: [] };
    const acksDuringStorms: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of sides) {
        const [result, acks] = await Promise.all([loadFromThread(urlOf(side)), statusAcks(slackBot.sim, SECONDS)]);
        turns[side].push(result);
        if (side === 'intake') acksDuringStorms.push(...acks);
      }
    }
    console.table(
      Object.fromEntries(
        sides.map((side) => [
          side,
          Object.fromEntries(turns[side].map((t, i) => [`turn ${i + 1} p99 ms`, p99(t).toFixed(1)])),
        ]),
      ),
    );
    const alone = merged(turns.intake);
    worker.postMessage('forward');
    await answer(worker);
    const forwarding = await loadFromThread(bot.url);
    worker.postMessage('finish');
    const { forwarded, slack: slackSeen } = await answer<ForwarderReport>(worker);
    const accepted = warmupAccepted + alone.accepted + forwarding.accepted;
    const lost = accepted - forwarded;
    const row = (results: LoadResult[]) => {
      const all = merged(results);
      const { accepted, refused, errors } = all;
      return {
        p50ms: percentile(all.latenciesMs, 50).toFixed(2),
        p99ms: medianP99(results).toFixed(2),
        accepted,
        refused,
        errors,
      };
    };
    console.log(
      `alert intake: ${ALERTS_PER_SECOND} alerts/s for ${SECONDS} s a turn (${ALERTS_PER_REQUEST} alert per request, ${GROUPS} groups); ${ROUNDS} turns each for the floors and the intake (p99: the median of its turns'), one more for the intake while the worker side forwards`,
    );
    console.table({
      'bare node:http: parse, 202 (baseline)': row(turns.bare),
      'durable floor: parse, XADD, 202': row(turns.durable),
      'POST /alerts, worker side paused': row(turns.intake),
      'POST /alerts, worker forwarding on the same cores': row([forwarding]),
    });
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const typical = { bare: medianP99(turns.bare), durable: medianP99(turns.durable), intake: medianP99(turns.intake) };
    const [vsBare, vsDurable, forwardingVsBare] = [
      r2(typical.intake / typical.bare),
      r2(typical.intake / typical.durable),
      r2(p99(forwarding) / typical.bare),
    ];
    console.log(
      `POST /alerts p99, worker paused: ${vsBare}x the bare server's (goal <= 1.2x), ${vsDurable}x the durable floor's; worker forwarding: ${forwardingVsBare}x the bare server's`,
    );
    console.log(`alerts lost: ${lost} (accepted ${accepted}, forwarded ${forwarded}; must be 0)`);
    console.log(
      `Slack, per channel (limit: 1 chat.postMessage per second per channel); unhandled 429s: ${slackSeen.rateLimited}`,
    );
    console.table(slackSeen.rows);
    const [q99, s99] = [percentile(acksQuiet, 99), percentile(acksDuringStorms, 99)];
    console.log(
      `/runner status ack p99 (same process as the intake): ${q99.toFixed(1)} ms quiet, ${s99.toFixed(1)} ms during the intake's storms (goal: storm <= 2x quiet)`,
    );
    const unanswered = alone.errors + forwarding.errors + alone.refused + forwarding.refused;
    console.log(`refused or failed requests, which Alertmanager retries: ${unanswered}`);
    console.log(
      JSON.stringify({
        bench: 'alert-intake',
        p99_vs_bare: vsBare,
        p99_vs_durable_floor: vsDurable,
        lost,
        ack_p99_storm_vs_quiet: r2(s99 / q99),
        p99_forwarding_vs_bare: forwardingVsBare,
        unanswered,
        p99_ms: {
          bare: Math.round(typical.bare),
          durable_floor: Math.round(typical.durable),
          intake: Math.round(typical.intake),
          intake_forwarding: Math.round(p99(forwarding)),
          ack_quiet: Math.round(q99),
          ack_storm: Math.round(s99),
        },
      }),
    );
  } finally {
    await Promise.all([floors.bare.stop(), floors.durable.stop()]);
    await bot.stop();
    await slackBot.close();
    await worker.terminate();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

const role = workerData as Role | null;
if (!isMainThread && role?.role === 'load') parentPort!.postMessage(await load(role.target, role.seconds));
else if (!isMainThread && role?.role === 'forwarder') await forwarderThread(role.prefix);
else if (!isMainThread && role?.role === 'floor') await floorThread(role.floor, role.prefix);
else if (import.meta.url === `file://${process.argv[1]}`) await run();
