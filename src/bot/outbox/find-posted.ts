// After a call whose outcome is unknown (a timeout, a 5xx, a process killed mid-call), looks in
// the channel or thread for the message before posting it again. Each post carries its op id as
// the first block's block_id; reading history needs the `channels:history` scope, and without it
// the outbox posts again (at least once rather than at most once).
import type { DeliveryContext } from './context.ts';
import { countCall } from './context.ts';
import type { PostOp } from './ops.ts';

type Found = { ts?: string; blocks?: { block_id?: string }[] };

export const postMarker = (opId: string): string => `outbox-${opId}`;

/** The ts of the message this op already posted, if Slack shows one. */
export async function findPosted(
  ctx: DeliveryContext,
  op: PostOp & { id: string; sentAt: number },
  threadTs: string | null,
): Promise<string | null> {
  const oldest = String(Math.floor(op.sentAt / 1000) - 300);
  const method = threadTs ? 'conversations.replies' : 'conversations.history';
  try {
    const answer = threadTs
      ? await ctx.web.conversations.replies({ channel: op.channel, ts: threadTs, oldest, limit: 200 })
      : await ctx.web.conversations.history({ channel: op.channel, oldest, limit: 200 });
    countCall(ctx, method, 'ok');
    const marker = postMarker(op.id);
    const match = ((answer.messages ?? []) as Found[]).find((m) => m.blocks?.[0]?.block_id === marker);
    return match?.ts ?? null;
  } catch (error) {
    countCall(ctx, method, 'error');
    ctx.logger.debug(
      { channel: op.channel, method, error: (error as Error).message },
      'outbox: could not look for an earlier attempt',
    );
    return null;
  }
}
