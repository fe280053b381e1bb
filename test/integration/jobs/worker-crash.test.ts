// Real worker processes: one is killed (SIGKILL) or stopped (SIGTERM) in the middle of a run, and
// the run completes on another, each step's effect recorded exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { StepName } from '../../../src/core/plan.ts';
import type { RunStore } from '../../../src/core/ports.ts';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { createRunQueue, type RunQueue } from '../../../src/jobs/run-queue.ts';
import { startWorkerProcess, writeWorkerConfig, type WorkerProcess } from './harness/spawn-worker.ts';
import { eventually } from './harness/eventually.ts';
import { STEP_RECORDER_MODULE, appliedByKey, effectCountsKey, queuedRun } from './harness/step-recorder.ts';
import { REDIS_URL, connectTestRedis, deletePrefix, testPrefix } from './harness/test-redis.ts';
import type { WorkerProcessConfig } from './harness/worker-config.ts';

const PLAN: StepName[] = ['find-vm', 'reserve-vmid', 'clone', 'configure'];

let redis: Redis;
let prefix: string;
let dir: string;
let runs: RunStore;
let queue: RunQueue;
const processes: WorkerProcess[] = [];

beforeEach(() => {
  redis = connectTestRedis();
  prefix = testPrefix();
  dir = mkdtempSync(join(tmpdir(), 'rbt-workers-'));
  runs = createRedisRunStore(redis, prefix);
  queue = createRunQueue({ redis: { url: REDIS_URL }, prefix, attempts: 5, backoffMs: 50 });
});
afterEach(async () => {
  for (const worker of processes.splice(0)) {
    worker.kill('SIGKILL');
    await worker.exited;
  }
  await queue.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function startWorker(name: string, overrides: Partial<WorkerProcessConfig> = {}): Promise<WorkerProcess> {
  const config: WorkerProcessConfig = {
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 1,
    drainMs: 10_000,
    maxBackoffMs: 200,
    jobLockMs: 1_000,
    stalledIntervalMs: 500,
    lockTtlMs: 1_000,
    busyRetryMs: 100,
    processorModule: STEP_RECORDER_MODULE,
    processorOptions: { stepMs: 600 },
    ...overrides,
  };
  const worker = await startWorkerProcess(writeWorkerConfig(dir, name, config));
  processes.push(worker);
  return worker;
}

async function effects(runId: string): Promise<{ counts: Record<string, string>; appliedBy: Record<string, string> }> {
  return {
    counts: await redis.hgetall(effectCountsKey(prefix, runId)),
    appliedBy: await redis.hgetall(appliedByKey(prefix, runId)),
  };
}

const stepStarted = (runId: string, step: StepName) => (e: { event: string; runId?: unknown; step?: unknown }) =>
  e.event === 'step-started' && e.runId === runId && e.step === step;
const runFinished = (runId: string) => (e: { event: string; runId?: unknown }) =>
  e.event === 'run-finished' && e.runId === runId;

describe('worker processes', () => {
  it('finishes a run on another worker after the first is killed with SIGKILL mid-step', async () => {
    const [a, b] = await Promise.all([startWorker('a'), startWorker('b')]);
    await runs.create(queuedRun('r_kill', 'gitlab-runner-02', PLAN));
    await queue.enqueueRun('r_kill');

    const started = await Promise.any([a, b].map((w) => w.waitFor(stepStarted('r_kill', 'reserve-vmid'))));
    const [victim, survivor] = started.pid === a.pid ? [a, b] : [b, a];
    victim.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });

    await survivor.waitFor(runFinished('r_kill'));
    expect((await runs.get('r_kill'))?.status).toBe('succeeded');
    const { counts, appliedBy } = await effects('r_kill');
    expect(counts).toEqual({ 'find-vm': '1', 'reserve-vmid': '1', clone: '1', configure: '1' });
    expect(appliedBy['find-vm']).toBe(String(victim.pid));
    expect(appliedBy.configure).toBe(String(survivor.pid));
    const resumed = await survivor.waitFor(stepStarted('r_kill', 'reserve-vmid'));
    expect(resumed.fencingToken as number).toBeGreaterThan(started.fencingToken as number);
    expect(survivor.events.some(stepStarted('r_kill', 'find-vm'))).toBe(false);
  });

  it('lets the running step finish on SIGTERM, exits, and the run completes on another worker', async () => {
    const first = await startWorker('first');
    await runs.create(queuedRun('r_term', 'gitlab-runner-03', PLAN));
    await queue.enqueueRun('r_term');

    await first.waitFor(stepStarted('r_term', 'reserve-vmid'));
    first.kill('SIGTERM');
    const starting = startWorker('second');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.events.find((e) => e.event === 'stopped')?.drained).toBe(true);
    expect(first.events.some((e) => e.event === 'step-finished' && e.step === 'reserve-vmid')).toBe(true);
    expect(first.events.some(stepStarted('r_term', 'clone'))).toBe(false);

    const second = await starting;
    await second.waitFor(runFinished('r_term'));
    const { counts, appliedBy } = await effects('r_term');
    expect(counts).toEqual({ 'find-vm': '1', 'reserve-vmid': '1', clone: '1', configure: '1' });
    expect(appliedBy['reserve-vmid']).toBe(String(first.pid));
    expect(appliedBy.clone).toBe(String(second.pid));
    // The run's end is logged from inside the processor; BullMQ records the job's end just after.
    const job = await eventually(async () => {
      const found = await queue.queue.getJob('r_term');
      return found?.finishedOn ? found : undefined;
    });
    expect([job.attemptsMade, job.failedReason]).toEqual([1, undefined]);
  });
});
