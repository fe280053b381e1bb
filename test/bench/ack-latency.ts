// `/runner status` acks at 200 commands a second: runnerbot's Bolt app (HTTP receiver, signature
// check, parse, ack, then the replay check in Redis and the answer from the shared fleet view)
// against a bare Bolt HTTP app that only acks (the baseline) and the same app made to
// answer each command through its response_url as runnerbot does (same answer transport, none of
// runnerbot's reads), all fed by the Slack simulator's signed deliveries, on a quiet machine and on
// a busy one (a CPU hog of this bench's own spinning on both cores, for every side alike). The
// sides take turns, three each, quiet and then busy; a side's p99 is the median of its turns'
// p99s, so one noisy turn on a shared machine does not decide a ratio. Also counts what Proxmox and
// GitLab receive meanwhile. Last line: JSON.
// Run: npm run bench -- ack
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { respondThrough } from '../../src/bot/response-url.ts';
import { testApp } from '../../sim/slack/bolt-app.ts';
import { OPS, ALICE, startBotHarness } from '../integration/bot/listener-harness.ts';
import type { SlackSim } from '../../sim/slack/index.ts';

const PER_SECOND = 200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = 3;
const WARMUP = 100;
const TEXTS = ['status gitlab-runner-02', 'status gitlab-runner-02', 'status gitlab-runner-02', 'list'];

async function load(sim: SlackSim, count: number): Promise<{ ms: number[]; missed: number }> {
  const interval = 1000 / PER_SECOND;
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return sim.sendSlashCommand({ text: TEXTS[i % TEXTS.length]!, userId: ALICE, channelId: OPS });
    }),
  );
  return { ms: results.map((r) => r.ackMs), missed: results.filter((r) => !r.acked).length };
}

/** The answers (response_url posts) ALICE has seen so far. */
const answered = (sim: SlackSim) => sim.ephemerals(ALICE).filter((e) => e.via === 'response_url').length;

/** Waits until `expected` answers arrived (acks go first, answers follow): the seconds past the load's end, or NaN. */
async function answersDone(sim: SlackSim, expected: number, limitMs = 30_000): Promise<number> {
  const started = performance.now();
  while (answered(sim) < expected) {
    if (performance.now() - started > limitMs) return NaN;
    await new Promise((r) => setTimeout(r, 50));
  }
  return (performance.now() - started) / 1000;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;
const p99 = (values: number[]) => percentile(values, 0.99);
const median = (values: number[]) => percentile(values, 0.5);

/** About the size of runnerbot's answer to `status NAME`. */
const ANSWER = `*gitlab-runner-02* is running. ${'VM 101 on pve1, 2 cores, 4 GiB; GitLab runner #12 online, tags docker,linux. '.repeat(4)}`;

/** Bare Bolt that also answers each command through its response_url after the ack, as runnerbot does. */
function answeringBolt(sim: SlackSim): App {
  const app = new App({
    token: sim.botToken,
    signingSecret: sim.signingSecret,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: sim.apiUrl },
  });
  app.command('/runner', async ({ ack, command }) => {
    await ack({ response_type: 'ephemeral', text: 'On it…' });
    setImmediate(() => {
      respondThrough(command.response_url, { response_type: 'ephemeral', text: ANSWER }).catch(() => undefined);
    });
  });
  return app;
}

/** Two processes spinning, one per core, until stopped. */
function hog(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

export async function run(): Promise<void> {
  const harness = await startBotHarness({ transport: 'http' });
  const { sim, proxmox, gitlab } = harness;
  const bare = testApp({ apiUrl: sim.apiUrl, botToken: sim.botToken, signingSecret: sim.signingSecret });
  const answering = answeringBolt(sim);
  const urlOf = async (app: App) =>
    `http://127.0.0.1:${((await app.start(0)) as { address(): AddressInfo }).address().port}/slack/events`;
  const urls = { bare: await urlOf(bare.app), answering: await urlOf(answering), runnerbot: harness.requestUrl! };
  const sides = ['bare', 'answering', 'runnerbot'] as const;
  const upstream = () => proxmox.requests.length + gitlab.requests().length;
  const turns: Record<string, { p99: number[]; missed: number; answered: number; lastAnswerAfterS: number }> = {};
  let upstreamCalls = 0;
  let runnerbotSeconds = 0;
  try {
    for (const who of sides) {
      sim.setRequestUrl(urls[who]);
      const before = answered(sim);
      await load(sim, WARMUP);
      if (who !== 'bare') await answersDone(sim, before + WARMUP);
    }
    for (const busy of [false, true]) {
      const hogs = busy ? hog() : [];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          for (const who of sides) {
            sim.setRequestUrl(urls[who]);
            const before = upstream();
            const answeredBefore = answered(sim);
            const started = performance.now();
            const { ms, missed } = await load(sim, PER_SECOND * SECONDS);
            // Bare Bolt only acks; the others' answers follow their acks and are counted, not timed.
            const late = who === 'bare' ? NaN : await answersDone(sim, answeredBefore + PER_SECOND * SECONDS);
            if (who === 'runnerbot') {
              upstreamCalls += upstream() - before;
              runnerbotSeconds += (performance.now() - started) / 1000;
            }
            const turn = (turns[`${who} ${busy ? 'busy' : 'quiet'}`] ??= {
              p99: [],
              missed: 0,
              answered: 0,
              lastAnswerAfterS: 0,
            });
            turn.p99.push(p99(ms));
            turn.missed += missed;
            turn.answered += answered(sim) - answeredBefore;
            turn.lastAnswerAfterS = Math.max(turn.lastAnswerAfterS, late);
          }
        }
      } finally {
        for (const h of hogs) h.kill();
      }
    }
  } finally {
    await bare.app.stop();
    await answering.stop();
    await harness.close();
  }
  const result = Object.fromEntries(Object.entries(turns).map(([name, t]) => [name, median(t.p99)]));
  const rows = Object.fromEntries(
    Object.entries(turns).map(([name, t]) => [
      name,
      {
        p99ms: result[name]!.toFixed(1),
        turnsP99ms: t.p99.map((v) => v.toFixed(1)).join(' '),
        missedAcks: t.missed,
        answered: name.startsWith('bare') ? '-' : `${t.answered}/${PER_SECOND * SECONDS * ROUNDS}`,
        lastAnswerAfterS: Number.isNaN(t.lastAnswerAfterS) ? '-' : t.lastAnswerAfterS.toFixed(1),
      },
    ]),
  );
  console.log(
    `ack latency: ${PER_SECOND} commands/s (status, status, status, list), ${ROUNDS} turns of ${SECONDS} s per row, p99 = the median of the turns'; busy = 2 spinning processes`,
  );
  console.table(rows);
  const perSecond = upstreamCalls / runnerbotSeconds;
  console.log(
    `Proxmox + GitLab received ${upstreamCalls} requests in ${runnerbotSeconds.toFixed(1)} s of runnerbot load: ${perSecond.toFixed(2)}/s (goal <= 2)`,
  );
  const ratio = (x: number, y: number) => Math.round((x / y) * 100) / 100;
  console.log(
    JSON.stringify({
      bench: 'ack',
      busy_p99_vs_bolt: ratio(result['runnerbot busy']!, result['bare busy']!),
      quiet_p99_vs_bolt: ratio(result['runnerbot quiet']!, result['bare quiet']!),
      busy_p99_vs_answering_bolt: ratio(result['runnerbot busy']!, result['answering busy']!),
      quiet_p99_vs_answering_bolt: ratio(result['runnerbot quiet']!, result['answering quiet']!),
      upstream_calls_per_s: Math.round(perSecond * 100) / 100,
      p99_ms: Object.fromEntries(Object.entries(result).map(([k, v]) => [k, Math.round(v)])),
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
