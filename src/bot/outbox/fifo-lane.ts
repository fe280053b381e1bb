// Delivers a lane of ops in order: posts in a channel (one per `postIntervalMs`), ephemerals, or
// response_url answers. The head op blocks the lane until it is sent or given up, so a thread
// reply never overtakes its parent. Returns when the lane is next due.
import { MESSAGE_TTL_SECONDS, editLane, type Lane } from './keys.ts';
import { countCall, type DeliveryContext } from './context.ts';
import type { StoredOp } from './ops.ts';
import { LookupPending } from './find-posted.ts';
import { METHOD_OF, send } from './senders.ts';
import { FailedCall, MAX_ATTEMPTS, backoffMs, classifySlackError, type Failure } from './slack-errors.ts';

const paceField = (op: StoredOp) => (op.type === 'respond' ? METHOD_OF.respond : `${METHOD_OF[op.type]}:${op.channel}`);

async function succeeded(ctx: DeliveryContext, lane: Lane, op: StoredOp, ts: string | undefined): Promise<void> {
  const { redis, keys, clock } = ctx;
  const tx = redis.multi().lrem(keys.fifo(lane), 1, op.id).del(keys.op(op.id));
  if (op.type === 'post' && ts) {
    const now = clock.now();
    tx.hset(keys.message(op.key), 'ts', ts, 'state', 'posted')
      .expire(keys.message(op.key), MESSAGE_TTL_SECONDS)
      .hset(keys.pace, paceField(op), now + ctx.postIntervalMs)
      // An edit that waited for this post may go now.
      .zadd(keys.editsDue(op.channel), 'XX', now, op.key)
      .zadd(keys.lanes, 'LT', now, editLane(op.channel));
  }
  await tx.exec();
  if (op.type === 'post' && ts && ctx.onPosted) {
    await Promise.resolve(ctx.onPosted({ key: op.key, channel: op.channel, ts })).catch((error: unknown) =>
      ctx.logger.warn({ key: op.key, error: (error as Error).message }, 'outbox: onPosted hook failed'),
    );
  }
}

async function giveUp(ctx: DeliveryContext, lane: Lane, op: StoredOp, reason: string): Promise<void> {
  const { redis, keys } = ctx;
  const tx = redis.multi().lrem(keys.fifo(lane), 1, op.id).del(keys.op(op.id));
  if (op.type === 'post')
    tx.hset(keys.message(op.key), 'state', 'dropped').expire(keys.message(op.key), MESSAGE_TTL_SECONDS);
  await tx.exec();
  countCall(ctx, METHOD_OF[op.type], 'dropped');
  const where = op.type === 'respond' ? {} : { channel: op.channel };
  ctx.logger.warn(
    {
      ...where,
      method: METHOD_OF[op.type],
      ...(op.type === 'post' ? { key: op.key } : {}),
      reason,
      attempts: op.attempts ?? 0,
    },
    'outbox: Slack refused a message; dropped',
  );
}

/** Records a failure; returns when the lane is next due. */
async function failed(ctx: DeliveryContext, lane: Lane, op: StoredOp, failure: Failure): Promise<number> {
  const { redis, keys, clock } = ctx;
  const now = clock.now();
  const method = METHOD_OF[op.type];
  if (failure.kind === 'permanent') {
    await giveUp(ctx, lane, op, failure.reason);
    return now;
  }
  if (failure.kind === 'rate_limited') {
    countCall(ctx, method, 'rate_limited');
    const { sentAt: _refused, ...notSent } = op;
    await redis
      .multi()
      .hset(keys.pace, paceField(op), now + failure.retryAfterMs)
      .set(keys.op(op.id), JSON.stringify(notSent))
      .exec();
    return now + failure.retryAfterMs;
  }
  countCall(ctx, method, 'error');
  const attempts = (op.attempts ?? 0) + 1;
  if (attempts >= MAX_ATTEMPTS) {
    await giveUp(ctx, lane, { ...op, attempts }, failure.reason);
    return now;
  }
  const { sentAt, ...rest } = op;
  const retryAt = now + backoffMs(attempts);
  await redis.set(
    keys.op(op.id),
    JSON.stringify({
      ...rest,
      attempts,
      retryAt,
      ...(failure.unknown && op.type === 'post' ? { sentAt: sentAt ?? now } : {}),
    }),
  );
  ctx.logger.info({ method, reason: failure.reason, attempts }, 'outbox: Slack call failed; will retry');
  return retryAt;
}

/** An earlier attempt's outcome is still unknown: the op keeps its mark and the lane waits for the next look. */
async function lookLater(ctx: DeliveryContext, op: StoredOp, pending: LookupPending): Promise<number> {
  const { lookupCursor: _previous, ...rest } = op;
  const stored = { ...rest, retryAt: pending.until, ...(pending.cursor ? { lookupCursor: pending.cursor } : {}) };
  await ctx.redis.set(ctx.keys.op(op.id), JSON.stringify(stored));
  return pending.until;
}

export async function deliverFifo(ctx: DeliveryContext, lane: Lane, maxOps: number): Promise<number> {
  const { redis, keys, clock } = ctx;
  for (let n = 0; n < maxOps; n++) {
    const id = await redis.lindex(keys.fifo(lane), 0);
    if (id === null) break;
    const raw = await redis.get(keys.op(id));
    if (!raw) {
      await redis.lrem(keys.fifo(lane), 1, id);
      continue;
    }
    const op = { ...(JSON.parse(raw) as StoredOp), id };
    const notBefore = Math.max(Number((await redis.hget(keys.pace, paceField(op))) ?? 0), op.retryAt ?? 0);
    if (notBefore > clock.now()) return notBefore;
    if (!(await ctx.renewLease())) break;
    try {
      const ts = await send(ctx, op);
      countCall(ctx, METHOD_OF[op.type], 'ok');
      await succeeded(ctx, lane, op, ts);
    } catch (error) {
      if (error instanceof LookupPending) return lookLater(ctx, op, error);
      const due = await failed(ctx, lane, op, error instanceof FailedCall ? error.failure : classifySlackError(error));
      if (due > clock.now()) return due;
    }
  }
  return clock.now();
}
