// 100 provisions on 10 workers: real `runnerbot worker` processes (2 processes x concurrency 5 =
// 10 job slots; ten processes would only measure tsx start-up on this machine's 2 cores) against
// the simulators with millisecond delays and the fake VM farm (real sshd per VM), all 100 asked
// for at once. Prints request-to-start latency p50/p99, the total time and one worker's time for
// one provision (measured first, alone), and bare BullMQ's no-op enqueue-to-start as the anchor.
// Run: npm run bench provisions, or alone: node --import tsx test/bench/provisions-parallel.ts
// Knobs: BENCH_PROVISIONS (100), BENCH_PROCESSES (2), BENCH_CONCURRENCY (5).
import { cpus, loadavg } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { FINAL_STATUSES, type RunRecord } from '../../src/core/run.ts';
import { fleetProblems, fleetView } from '../e2e/support/fleet-check.ts';
import { startJobsWorld, type JobsWorld } from '../e2e/support/jobs-world.ts';

const PROVISIONS = Number(process.env.BENCH_PROVISIONS ?? 100);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 5);
const VMID_RANGE = { min: 5000, max: 5000 + PROVISIONS + 50 };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const line = (name: string, values: number[]) =>
  console.log(
    `${name.padEnd(44)} p50 ${percentile(values, 50).toFixed(0).padStart(6)} ms   p99 ${percentile(values, 99).toFixed(0).padStart(6)} ms`,
  );

/** Bare BullMQ on the same Redis: no-op jobs, all added at once, on as many slots. */
async function bareBullmq(world: JobsWorld, jobs: number, slots: number): Promise<number[]> {
  const connection = { url: world.loaded.config.redis.url };
  const queue = new Queue('bench-noop', { connection, prefix: world.prefix });
  const latencies: number[] = [];
  let done: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const worker = new Worker(
    'bench-noop',
    async (job) => {
      latencies.push(Date.now() - job.timestamp);
      if (latencies.length === jobs) done();
    },
    { connection, prefix: world.prefix, concurrency: slots },
  );
  await worker.waitUntilReady();
  await Promise.all(Array.from({ length: jobs }, (_, i) => queue.add('noop', { i })));
  await all;
  await worker.close();
  await queue.close();
  return latencies;
}

async function provision(world: JobsWorld, runner: string): Promise<string> {
  const outcome = await world.request('provision', runner);
  if (!outcome.ok) throw new Error(`${runner}: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.value.run.id;
}

async function finished(world: JobsWorld, ids: string[]): Promise<RunRecord[]> {
  for (;;) {
    const runs = await Promise.all(ids.map((id) => world.run(id)));
    if (runs.every((run) => FINAL_STATUSES.includes(run.status))) return runs;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function run(): Promise<void> {
  const slots = PROCESSES * CONCURRENCY;
  const loadBefore = loadavg()[0]!.toFixed(1);
  const world = await startJobsWorld({ worker: { concurrency: CONCURRENCY, attempts: 8 }, vmidRange: VMID_RANGE });
  try {
    await Promise.all(Array.from({ length: PROCESSES }, (_, i) => world.startWorker(`bench-${i}`)));
    const anchor = await bareBullmq(world, PROVISIONS, slots);

    const [alone] = await finished(world, [await provision(world, 'gitlab-runner-alone')]);
    const single = alone!.finishedAt! - alone!.startedAt!;

    const names = Array.from({ length: PROVISIONS }, (_, i) => `gitlab-runner-b${String(i).padStart(3, '0')}`);
    const started = Date.now();
    const ids = await Promise.all(names.map((name) => provision(world, name)));
    const runs = await finished(world, ids);
    const total = Date.now() - started;

    const failed = runs.filter((r) => r.status !== 'succeeded');
    const { vms, runners } = fleetView(world.sims, VMID_RANGE);
    const problems = fleetProblems(world.sims, VMID_RANGE);
    const latency = runs.map((r) => r.startedAt! - r.createdAt);
    const firstWave = [...runs]
      .sort((a, b) => a.startedAt! - b.startedAt!)
      .slice(0, slots)
      .map((r) => r.startedAt! - r.createdAt);
    const durations = runs.map((r) => r.finishedAt! - r.startedAt!);

    console.log(
      `${PROVISIONS} provisions, ${PROCESSES} worker processes x concurrency ${CONCURRENCY} = ${slots} slots, fake VMs with real sshd`,
    );
    console.log(
      `machine: ${cpus().length} cores, load average ${loadBefore} before, ${loadavg()[0]!.toFixed(1)} after (everything — simulators, sshd, workers — shares them)`,
    );
    console.log(
      `outcome: ${runs.length - failed.length} succeeded, ${failed.length} failed; ${vms.length - 1} VMs and ${runners.length - 1} GitLab runners besides the lone one; ${problems.length} orphans or duplicates`,
    );
    line('request -> start, all', latency);
    line(`request -> start, first ${slots} (a slot free)`, firstWave);
    line('bare BullMQ no-op enqueue -> start (anchor)', anchor);
    line('one provision under load (start -> end)', durations);
    console.log(
      `one provision alone on an idle worker: ${(single / 1000).toFixed(1)} s; all ${PROVISIONS}: ${(total / 1000).toFixed(1)} s`,
    );
    console.log(
      `total / one = ${(total / single).toFixed(1)} (ideal with ${slots} slots: ${(PROVISIONS / slots).toFixed(1)}; serial: ${PROVISIONS}); speed-up over serial ${((PROVISIONS * single) / total).toFixed(1)}x`,
    );
    for (const run of failed.slice(0, 5))
      console.log(`failed: ${run.runner} at ${run.error?.step}: ${run.error?.code} ${run.error?.message}`);
    for (const problem of problems.slice(0, 5)) console.log(`problem: ${problem}`);
    if (failed.length > 0 || problems.length > 0 || vms.length !== PROVISIONS + 1 || runners.length !== PROVISIONS + 1)
      process.exitCode = 1;
  } finally {
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit();
}
