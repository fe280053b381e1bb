// After a post whose outcome is unknown (a timeout, a 5xx, a process killed mid-call), looks in
// the channel or thread for it before posting it again. Each post carries its op id as the first
// block's block_id. An app outside the Marketplace may read history and replies once a minute
// each, 15 messages a call (vendor-behaviour.md 7), so a look is paced across every process by a
// slot in Redis, reads only the window in which that attempt could have landed (page by page,
// one page a slot), and while it waits the op keeps its mark and blocks only its own channel's
// lane. Without the `channels:history` scope the outbox posts again (at least once rather than
// at most once).
import type { DeliveryContext } from './context.ts';
import { countCall } from './context.ts';
import type { PostOp } from './ops.ts';
import { scripts } from './scripts.ts';
import { FailedCall, classifySlackError } from './slack-errors.ts';

type Found = { ts?: string; blocks?: { block_id?: string }[] };

export const postMarker = (opId: string): string => `outbox-${opId}`;

/**
 * One call a minute per method, with 5 s to spare: the slot is taken before the request travels,
 * and Slack counts when each one arrives.
 */
export const LOOKUP_INTERVAL_MS = 65_000;
/** Slack's page for an app outside the Marketplace. */
const PAGE = 15;
/** How far Slack's clock may be from ours, and how late after the attempt Slack may still post it. */
const SKEW_S = 30;
const LANDS_WITHIN_S = 120;

/** The look cannot happen before `until`; the op keeps its mark (and `cursor`, the next page) and waits. */
export class LookupPending extends Error {
  constructor(
    readonly until: number,
    readonly cursor?: string,
  ) {
    super('waiting to look for an earlier attempt');
  }
}

export type UnsettledPost = PostOp & { id: string; sentAt: number; lookupCursor?: string };

/** The ts of the message this op already posted, or null when the attempt's window holds no such message. */
export async function findPosted(
  ctx: DeliveryContext,
  op: UnsettledPost,
  threadTs: string | null,
): Promise<string | null> {
  const method = threadTs ? 'conversations.replies' : 'conversations.history';
  const now = ctx.clock.now();
  const freeAt = await scripts.claimSlot(ctx.redis, ctx.keys.pace, method, now, LOOKUP_INTERVAL_MS);
  if (freeAt > now) throw new LookupPending(freeAt, op.lookupCursor);
  const window = {
    channel: op.channel,
    oldest: String(Math.floor(op.sentAt / 1000) - SKEW_S),
    latest: String(Math.ceil(op.sentAt / 1000) + LANDS_WITHIN_S),
    inclusive: true,
    limit: PAGE,
    ...(op.lookupCursor ? { cursor: op.lookupCursor } : {}),
  };
  let answer: { messages?: unknown[]; has_more?: boolean; response_metadata?: { next_cursor?: string } };
  try {
    answer = threadTs
      ? await ctx.web.conversations.replies({ ...window, ts: threadTs })
      : await ctx.web.conversations.history(window);
  } catch (error) {
    const failure = classifySlackError(error);
    if (failure.kind === 'rate_limited') {
      countCall(ctx, method, 'rate_limited');
      const until = ctx.clock.now() + failure.retryAfterMs;
      await ctx.redis.hset(ctx.keys.pace, method, until);
      throw new LookupPending(until, op.lookupCursor);
    }
    countCall(ctx, method, 'error');
    if (failure.kind === 'transient') throw new FailedCall({ ...failure, reason: `${method}: ${failure.reason}` });
    ctx.logger.warn(
      { channel: op.channel, method, reason: failure.reason },
      'outbox: cannot look for an earlier attempt; posting again',
    );
    return null;
  }
  countCall(ctx, method, 'ok');
  const marker = postMarker(op.id);
  const match = ((answer.messages ?? []) as Found[]).find((m) => m.blocks?.[0]?.block_id === marker);
  if (match?.ts) return match.ts;
  const next = answer.has_more ? answer.response_metadata?.next_cursor : undefined;
  if (next) throw new LookupPending(now + LOOKUP_INTERVAL_MS, next);
  return null;
}
