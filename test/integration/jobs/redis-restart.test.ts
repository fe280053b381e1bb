// A Redis server of the test's own, with AOF: restarted while 20 jobs wait, none is lost; down
// when a request arrives, the requester hears "queue unavailable" at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { createRunQueue, type RunQueue } from '../../../src/jobs/run-queue.ts';
import { startRunWorker, type RunWorker } from '../../../src/jobs/run-worker.ts';
import { createStoreRedis } from '../../../src/jobs/redis-connection.ts';
import { eventually } from './harness/eventually.ts';
import { startRedisServer, type OwnRedisServer } from './harness/redis-server.ts';
import { createProcessor, effectCountsKey, queuedRun } from './harness/step-recorder.ts';
import { testPrefix } from './harness/test-redis.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let server: OwnRedisServer;
let redis: Redis;
let queue: RunQueue;
let worker: RunWorker | undefined;
const prefix = testPrefix();

beforeEach(async () => {
  server = await startRedisServer();
  redis = createStoreRedis({ url: server.url });
  redis.on('error', () => undefined);
  queue = createRunQueue({ redis: { url: server.url }, prefix, attempts: 5, backoffMs: 50 });
  await queue.queue.waitUntilReady();
});
afterEach(async () => {
  await worker?.stop();
  await queue.close();
  redis.disconnect();
  await server.destroy();
});

describe('Redis restarts', () => {
  it('completes all 20 waiting jobs after Redis restarts with AOF', async () => {
    const runs = createRedisRunStore(redis, prefix);
    const ids = Array.from({ length: 20 }, (_, i) => `r_${i}`);
    for (const [i, id] of ids.entries()) {
      await runs.create(queuedRun(id, `gitlab-runner-${i}`, ['find-vm', 'reserve-vmid']));
      await queue.enqueueRun(id);
    }

    await server.stop('SIGTERM');
    await expect(queue.enqueueRun('r_late')).rejects.toMatchObject({ code: 'QUEUE.UNAVAILABLE' });
    await server.start();

    const processor = await createProcessor({ redis, prefix, options: { stepMs: 5 }, emit: () => undefined });
    worker = startRunWorker({
      redis: { url: server.url },
      prefix,
      concurrency: 5,
      runs,
      processor,
      drainMs: 2_000,
      maxBackoffMs: 100,
      logger: quiet,
    });
    await eventually(
      async () => (await runs.recent(50)).filter((r) => r.status === 'succeeded').length === 20,
      30_000,
      'all 20 runs to succeed',
    );

    for (const id of ids)
      expect(await redis.hgetall(effectCountsKey(prefix, id))).toEqual({ 'find-vm': '1', 'reserve-vmid': '1' });
    expect(await queue.queue.getJobCounts('completed', 'failed', 'waiting')).toMatchObject({
      completed: 20,
      failed: 0,
      waiting: 0,
    });
    await eventually(
      async () =>
        await queue
          .enqueueRun('r_late')
          .then(() => true)
          .catch(() => false),
      10_000,
      'the producer to reconnect',
    );
  });
});
