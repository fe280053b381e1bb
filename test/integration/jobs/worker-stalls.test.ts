// Issue 12, finding 2: a run whose worker process is SIGKILLed again and again is not abandoned.
// BullMQ counts each crash as a "stall"; past its stall limit it used to fail the job, so a run
// that met four crashes ended `failed` without clean-up. Crashes cost time, never attempts.
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
import { runRecord } from '../../support/run-record.ts';
import { STEP_RECORDER_MODULE, effectCountsKey } from './harness/step-recorder.ts';
import { REDIS_URL, connectTestRedis, deletePrefix, testPrefix } from './harness/test-redis.ts';

const PLAN: StepName[] = ['find-vm', 'reserve-vmid', 'clone', 'configure', 'resize-disk', 'start', 'wait-ip'];
const KILLS = 5;

let redis: Redis;
let prefix: string;
let dir: string;
let runs: RunStore;
let queue: RunQueue;
const processes: WorkerProcess[] = [];

beforeEach(() => {
  redis = connectTestRedis();
  prefix = testPrefix();
  dir = mkdtempSync(join(tmpdir(), 'rbt-stalls-'));
  runs = createRedisRunStore(redis, prefix);
  queue = createRunQueue({ redis: { url: REDIS_URL }, prefix, attempts: 2, backoffMs: 50 });
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

async function startWorker(name: string): Promise<WorkerProcess> {
  const config = {
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 1,
    drainMs: 5_000,
    maxBackoffMs: 200,
    jobLockMs: 800,
    stalledIntervalMs: 300,
    lockTtlMs: 800,
    busyRetryMs: 100,
    processorModule: STEP_RECORDER_MODULE,
    processorOptions: { stepMs: 400 },
  };
  const worker = await startWorkerProcess(writeWorkerConfig(dir, name, config));
  processes.push(worker);
  return worker;
}

describe('a run interrupted by crashes, again and again', () => {
  it(`survives ${KILLS} SIGKILLs of its worker with 2 attempts configured, and succeeds with every step applied once`, async () => {
    await runs.create(runRecord({ id: 'r_stall', runner: 'gitlab-runner-40', plan: PLAN }));
    await queue.enqueueRun('r_stall');
    for (let kill = 0; kill < KILLS; kill++) {
      const worker = await startWorker(`w${kill}`);
      await worker.waitFor((e) => e.event === 'step-started' && e.runId === 'r_stall');
      worker.kill('SIGKILL');
      await worker.exited;
    }
    const last = await startWorker('last');
    await last.waitFor((e) => e.event === 'run-finished' && e.runId === 'r_stall', 60_000);

    expect((await runs.get('r_stall'))?.status).toBe('succeeded');
    const job = await eventually(
      async () => {
        const found = await queue.queue.getJob('r_stall');
        return found?.finishedOn ? found : undefined;
      },
      10_000,
      'the job to finish',
    );
    expect(job.failedReason).toBeUndefined();
    expect(job.stalledCounter).toBeGreaterThanOrEqual(4);
    expect(Object.values(await redis.hgetall(effectCountsKey(prefix, 'r_stall')))).toEqual(PLAN.map(() => '1'));
  });
});
