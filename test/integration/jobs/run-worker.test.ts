import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { QueueEvents } from 'bullmq';
import { permanent, transient } from '../../../src/core/errors.ts';
import type { RunStore } from '../../../src/core/ports.ts';
import type { RunProcessor, RunProcessorInput } from '../../../src/jobs/job-processor.ts';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { createRunQueue, type RunQueue } from '../../../src/jobs/run-queue.ts';
import { startRunWorker, type RunWorker } from '../../../src/jobs/run-worker.ts';
import { acquireRunnerLock } from '../../../src/jobs/runner-lock.ts';
import { recordQueueDepth } from '../../../src/jobs/queue-gauge.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { eventually } from './harness/eventually.ts';
import { queuedRun } from './harness/step-recorder.ts';
import { REDIS_URL, connectTestRedis, deletePrefix, testPrefix } from './harness/test-redis.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let redis: Redis;
let prefix: string;
let runs: RunStore;
let queue: RunQueue;
let events: QueueEvents;
const workers: RunWorker[] = [];

beforeEach(async () => {
  redis = connectTestRedis();
  prefix = testPrefix();
  runs = createRedisRunStore(redis, prefix);
  queue = createRunQueue({ redis: { url: REDIS_URL }, prefix, attempts: 3, backoffMs: 10 });
  events = new QueueEvents('runner-jobs', { connection: { url: REDIS_URL }, prefix });
  await Promise.all([queue.queue.waitUntilReady(), events.waitUntilReady()]);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await Promise.all([queue.close(), events.close()]);
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

function worker(processor: RunProcessor, onGaveUp?: (runId: string, reason: string) => Promise<void>): RunWorker {
  const options = {
    redis: { url: REDIS_URL },
    prefix,
    concurrency: 2,
    runs,
    processor,
    drainMs: 2_000,
    maxBackoffMs: 50,
    busyRetryMs: 50,
    logger: quiet,
  };
  const started = startRunWorker({ ...options, ...(onGaveUp ? { onGaveUp } : {}) });
  workers.push(started);
  return started;
}

async function enqueue(runId: string, runner: string): Promise<void> {
  await runs.create(queuedRun(runId, runner, ['find-vm']));
  await queue.enqueueRun(runId);
}

const finished = (runId: string) =>
  new Promise<'completed' | 'failed'>((resolve) => {
    events.on('completed', ({ jobId }) => jobId === runId && resolve('completed'));
    events.on('failed', ({ jobId }) => jobId === runId && resolve('failed'));
  });

describe('run worker', () => {
  it('runs each enqueued run once, with its runner lock held, and one job per run id', async () => {
    const seen: RunProcessorInput[] = [];
    worker(async (input) => {
      await input.lock.assert();
      seen.push(input);
    });
    const done = finished('r_1');
    await enqueue('r_1', 'rb-01');
    await queue.enqueueRun('r_1');
    expect(await done).toBe('completed');
    expect(seen.map((s) => [s.runId, s.finalAttempt, s.signal.aborted])).toEqual([['r_1', false, false]]);
    expect(await acquireRunnerLock(redis, prefix, 'rb-01', 1_000)).not.toBeNull(); // released afterwards
  });

  it('retries transient failures, says which attempt is the last, and ends at a permanent one', async () => {
    const attempts: boolean[] = [];
    worker(async ({ finalAttempt }) => {
      attempts.push(finalAttempt);
      throw transient('STEP.TRANSIENT', 'Proxmox answered 503');
    });
    const done = finished('r_2');
    await enqueue('r_2', 'rb-02');
    expect(await done).toBe('failed');
    expect(attempts).toEqual([false, false, true]);

    const permanentTries: string[] = [];
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    worker(async ({ runId }) => {
      permanentTries.push(runId);
      throw permanent('RUNNER.NOT_OURS', 'the VM named rb-03 lacks the runnerbot tag');
    });
    const ended = finished('r_3');
    await enqueue('r_3', 'rb-03');
    expect(await ended).toBe('failed');
    expect(permanentTries).toEqual(['r_3']);
    expect((await queue.queue.getJob('r_3'))?.failedReason).toBe(
      'RUNNER.NOT_OURS: the VM named rb-03 lacks the runnerbot tag',
    );
  });

  it('makes a job wait while another worker holds its runner lock, without spending attempts', async () => {
    const held = await acquireRunnerLock(redis, prefix, 'rb-04', 5_000);
    const ran: boolean[] = [];
    worker(async ({ finalAttempt }) => {
      ran.push(finalAttempt);
    });
    const done = finished('r_4');
    await enqueue('r_4', 'rb-04');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran).toEqual([]);
    await held!.release();
    expect(await done).toBe('completed');
    expect(ran).toEqual([false]);
    expect((await queue.queue.getJob('r_4'))?.attemptsMade).toBe(1);
  });

  it('tells the owner when a job ends without its run having been ended (a crash on the last attempt)', async () => {
    const gaveUp: string[] = [];
    worker(
      async () => {
        throw new Error('Connection is closed');
      },
      async (runId, reason) => void gaveUp.push(`${runId}: ${reason}`),
    );
    const done = finished('r_7');
    await enqueue('r_7', 'rb-07');
    expect(await done).toBe('failed');
    await eventually(async () => gaveUp.length > 0, 5_000, 'onGaveUp');
    expect(gaveUp).toEqual(['r_7: Connection is closed']);
  });

  it('reports queue depth by state', async () => {
    await enqueue('r_5', 'rb-05');
    await enqueue('r_6', 'rb-06');
    const metrics = createMetrics();
    await recordQueueDepth(queue.queue, metrics.queueJobs);
    const values = (await metrics.queueJobs.get()).values;
    expect(values.find((v) => v.labels.state === 'waiting')?.value).toBe(2);
    expect(values.find((v) => v.labels.state === 'active')?.value).toBe(0);
  });
});

describe('enqueue without Redis', () => {
  it('answers "queue unavailable" instead of hanging', async () => {
    const offline = createRunQueue({ redis: { url: 'redis://127.0.0.1:1' }, prefix, attempts: 3, backoffMs: 10 });
    await expect(offline.enqueueRun('r_x')).rejects.toMatchObject({
      code: 'QUEUE.UNAVAILABLE',
      message: expect.stringMatching(/^queue unavailable/),
    });
    await offline.close();
  });
});
