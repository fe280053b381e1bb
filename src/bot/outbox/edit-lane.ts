// Delivers a channel's waiting edits (chat.update), newest content only, each after its message
// was posted and its minimum interval passed, within the workspace's Tier 3 allowance.
import { countCall, type DeliveryContext } from './context.ts';
import type { PendingEdit } from './ops.ts';
import { scripts } from './scripts.ts';
import { MAX_ATTEMPTS, backoffMs, classifySlackError } from './slack-errors.ts';

/** How long an edit whose message is not posted yet waits before it looks again (the post also wakes it). */
const AWAIT_POST_MS = 2000;

export async function deliverEdits(ctx: DeliveryContext, channel: string, maxEdits: number): Promise<number> {
  const { redis, keys, clock } = ctx;
  const edits = keys.edits(channel);
  const due = keys.editsDue(channel);
  const paceField = `chat.update:${channel}`;
  for (let n = 0; n < maxEdits; n++) {
    const now = clock.now();
    const notBefore = Number((await redis.hget(keys.pace, paceField)) ?? 0);
    if (notBefore > now) return notBefore;
    const [key] = await redis.zrangebyscore(due, '-inf', now, 'LIMIT', 0, 1);
    if (key === undefined) break;
    const message = keys.message(key);
    const [raw, [ts, state, failures]] = await Promise.all([
      redis.hget(edits, key),
      redis.hmget(message, 'ts', 'state', 'editFailures'),
    ]);
    if (raw === null) {
      await redis.zrem(due, key);
      continue;
    }
    const edit = JSON.parse(raw) as PendingEdit;
    const done = (sentOk: '0' | '1') =>
      scripts.editDone(redis, [edits, due, message], [key, raw, clock.now(), edit.minIntervalMs, sentOk]);
    if (!ts) {
      if (state === 'pending') await redis.zadd(due, 'XX', now + AWAIT_POST_MS, key);
      else await done('0');
      continue;
    }
    const waitMs = await scripts.takeToken(
      redis,
      keys.updateBucket,
      now,
      ctx.updates.perMinute / 60_000,
      ctx.updates.burst,
    );
    if (waitMs > 0) return now + waitMs;
    if (!(await ctx.renewLease())) break;
    try {
      await ctx.web.chat.update({
        channel,
        ts,
        ...ctx.scrub({ text: edit.text, ...(edit.blocks ? { blocks: edit.blocks } : {}) }),
      });
      countCall(ctx, 'chat.update', 'ok');
      await redis.hdel(message, 'editFailures');
      await done('1');
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.kind === 'rate_limited') {
        countCall(ctx, 'chat.update', 'rate_limited');
        await redis.hset(keys.pace, paceField, clock.now() + failure.retryAfterMs);
        return clock.now() + failure.retryAfterMs;
      }
      const attempts = Number(failures ?? 0) + 1;
      if (failure.kind === 'transient' && attempts < MAX_ATTEMPTS) {
        countCall(ctx, 'chat.update', 'error');
        await redis
          .multi()
          .hset(message, 'editFailures', attempts)
          .zadd(due, 'XX', clock.now() + backoffMs(attempts), key)
          .exec();
        continue;
      }
      countCall(ctx, 'chat.update', 'dropped');
      await redis.hdel(message, 'editFailures');
      await done('0');
      ctx.logger.warn({ channel, key, reason: failure.reason }, 'outbox: Slack refused an edit; dropped');
    }
  }
  return clock.now();
}
