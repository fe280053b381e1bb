// Slash-command ack latency at 50 requests per second for 10 seconds: runnerbot's Bolt app (HTTP
// receiver on our server, signature + replay check in Redis, parse, ack, then the real work on
// Proxmox/GitLab simulators) against a bare Bolt HTTP app that only acks, measured in the same
// run by the Slack simulator's signed deliveries. Prints p50/p99 of both and the ratio.
// Run: npm run bench, or alone: node --import tsx test/bench/ack-latency.ts
import type { AddressInfo } from 'node:net';
import { testApp } from '../sim/slack/bolt-app.ts';
import { OPS, ALICE, startBotHarness } from '../integration/bot/listener-harness.ts';
import type { SlackSim } from '../sim/slack/index.ts';

const PER_SECOND = 50;
const SECONDS = 10;
const WARMUP = 50;

/** Answered in the ack itself (usage, help): the ack path alone. */
const ACK_ONLY = ['help', 'provison typo', 'provision gitlab-runner-05 --cpus 4'];
/** Acked "On it…", then work on the simulators, which share this process' event loop with the ack path. */
const MIXED = ['status gitlab-runner-02', 'provision gitlab-runner-05 --dry-run', 'list', 'provison typo'];

async function load(sim: SlackSim, count: number, perSecond: number, texts: string[]): Promise<number[]> {
  const interval = 1000 / perSecond;
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return sim.sendSlashCommand({ text: texts[i % texts.length]!, userId: ALICE, channelId: OPS });
    }),
  );
  const failed = results.filter((r) => !r.acked).length;
  if (failed) throw new Error(`${failed} of ${count} commands were not acked`);
  return results.map((r) => r.ackMs);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function summary(name: string, latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  console.log(`${name.padEnd(28)} n=${sorted.length}  p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  max ${sorted.at(-1)!.toFixed(2)} ms`);
  return { p50, p99 };
}

export async function run(): Promise<void> {
  const harness = await startBotHarness({ transport: 'http' });
  const sim = harness.sim;
  const bare = testApp({ apiUrl: sim.apiUrl, botToken: sim.botToken, signingSecret: sim.signingSecret });
  const bareServer = (await bare.app.start(0)) as { address(): AddressInfo };
  const bareUrl = `http://127.0.0.1:${bareServer.address().port}/slack/events`;
  const runnerbotUrl = harness.requestUrl!;
  try {
    const total = PER_SECOND * SECONDS;
    sim.setRequestUrl(bareUrl);
    await load(sim, WARMUP, PER_SECOND, ACK_ONLY);
    const baseline = summary('bare Bolt app (ack only)', await load(sim, total, PER_SECOND, ACK_ONLY));
    sim.setRequestUrl(runnerbotUrl);
    await load(sim, WARMUP, PER_SECOND, ACK_ONLY);
    const ackOnly = summary('runnerbot, answered in ack', await load(sim, total, PER_SECOND, ACK_ONLY));
    const mixed = summary('runnerbot, work after ack', await load(sim, total, PER_SECOND, MIXED));
    const ratio = (m: { p50: number; p99: number }) => `p50 ${(m.p50 / baseline.p50).toFixed(2)}x  p99 ${(m.p99 / baseline.p99).toFixed(2)}x`;
    console.log(`ratio to bare Bolt: answered in ack ${ratio(ackOnly)}; work after ack ${ratio(mixed)} (DESIGN target: p99 ≤ 20 ms, never past 3 s)`);
  } finally {
    await bare.app.stop();
    await harness.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
