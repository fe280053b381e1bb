// A plain Error thrown in a step is a programming mistake, not a passing fault: the BullMQ job
// fails in one attempt (of three allowed) and the run is marked failed with the error's message.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { QueueEvents } from 'bullmq';
import { runJob, type StepRegistry } from '../../../src/app/run-job.ts';
import { STEPS } from '../../../src/app/steps/index.ts';
import type { StepDeps } from '../../../src/app/steps/step.ts';
import type { RunStore } from '../../../src/core/ports.ts';
import { createRedisAuditLog } from '../../../src/jobs/redis-audit-log.ts';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { createRunQueue, type RunQueue } from '../../../src/jobs/run-queue.ts';
import { startRunWorker, type RunWorker } from '../../../src/jobs/run-worker.ts';
import { systemClock } from '../../../src/system.ts';
import { RecordingNotifier } from '../../support/memory-ports.ts';
import { queuedRun } from './harness/step-recorder.ts';
import { REDIS_URL, connectTestRedis, deletePrefix, testPrefix } from './harness/test-redis.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let redis: Redis;
let prefix: string;
let runs: RunStore;
let queue: RunQueue;
let events: QueueEvents;
let worker: RunWorker | undefined;

beforeEach(async () => {
  redis = connectTestRedis();
  prefix = testPrefix();
  runs = createRedisRunStore(redis, prefix);
  queue = createRunQueue({ redis: { url: REDIS_URL }, prefix, attempts: 3, backoffMs: 10 });
  events = new QueueEvents('runner-jobs', { connection: { url: REDIS_URL }, prefix });
  await Promise.all([queue.queue.waitUntilReady(), events.waitUntilReady()]);
});
afterEach(async () => {
  await worker?.stop();
  await Promise.all([queue.close(), events.close()]);
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('a plain Error in a step', () => {
  it('fails the run in one attempt, without a retry', async () => {
    let calls = 0;
    const steps: StepRegistry = {
      ...STEPS,
      'find-vm': {
        name: 'find-vm',
        check: async () => ({ done: false }),
        apply: async () => {
          calls++;
          throw new TypeError("Cannot read properties of undefined (reading 'vmid')");
        },
      },
    };
    const notifier = new RecordingNotifier();
    const stepDeps = { settings: { onFailure: 'keep' }, clock: systemClock } as unknown as StepDeps;
    const deps = { runs, steps, stepDeps, notifier, audit: createRedisAuditLog(redis, prefix), clock: systemClock };
    const processor = (input: Parameters<typeof runJob>[1]) => runJob(deps, input);
    worker = startRunWorker({
      redis: { url: REDIS_URL },
      prefix,
      concurrency: 1,
      runs,
      processor,
      drainMs: 2_000,
      maxBackoffMs: 50,
      busyRetryMs: 50,
      logger: quiet,
    });

    const failed = new Promise<void>((resolve) => events.on('failed', ({ jobId }) => jobId === 'r_plain' && resolve()));
    await runs.create(queuedRun('r_plain', 'rb-plain', ['find-vm', 'reserve-vmid']));
    await queue.enqueueRun('r_plain');
    await failed;

    const job = await queue.queue.getJob('r_plain');
    expect([calls, job?.attemptsMade]).toEqual([1, 1]);
    expect(job?.failedReason).toBe("STEP.UNRECOVERABLE: Cannot read properties of undefined (reading 'vmid')");
    expect(await runs.get('r_plain')).toMatchObject({
      status: 'failed',
      checkpoint: 0,
      error: {
        code: 'STEP.UNRECOVERABLE',
        step: 'find-vm',
        message: "Cannot read properties of undefined (reading 'vmid')",
      },
    });
    expect(notifier.events.find((e) => e.type === 'step-failed')).toMatchObject({ step: 'find-vm', willRetry: false });
  });
});
