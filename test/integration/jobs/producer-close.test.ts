// Closing a run queue while its connection is still coming up (a bot stopped right after it
// started, a test's short harness) leaves nothing behind: ioredis' ready check must not reject
// unhandled on a socket closed under it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRunQueue } from '../../../src/jobs/run-queue.ts';

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
beforeAll(() => void process.on('unhandledRejection', onRejection));
afterAll(() => void process.off('unhandledRejection', onRejection));

it('closes a queue at every moment of its connection coming up without an unhandled rejection', async () => {
  for (let delayMs = 0; delayMs < 30; delayMs++) {
    const queue = createRunQueue({
      redis: { url: process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
      prefix: `rbt-close-${delayMs}`,
      attempts: 1,
      backoffMs: 1000,
    });
    await new Promise((r) => setTimeout(r, delayMs / 10));
    await queue.close();
  }
  await new Promise((r) => setTimeout(r, 200));
  expect(rejections).toEqual([]);
});
