// One Slack call per queued op. Each resolves with the posted message's ts (posts only) or throws
// the call's error for the lane to classify.
import type { SlackBlock } from '../blocks/types.ts';
import type { DeliveryContext } from './context.ts';
import { findPosted, postMarker } from './find-posted.ts';
import type { EphemeralOp, PostOp, RespondOp, StoredOp } from './ops.ts';
import { FailedCall, classifyHttpStatus } from './slack-errors.ts';

export const METHOD_OF: Record<StoredOp['type'], string> = {
  post: 'chat.postMessage',
  ephemeral: 'chat.postEphemeral',
  respond: 'response_url',
};

const threadTsOf = async (ctx: DeliveryContext, threadKey: string | undefined) =>
  threadKey ? await ctx.redis.hget(ctx.keys.message(threadKey), 'ts') : null;

/** The blocks with the op's marker as the first block's id (or the text as one section, to carry it). */
function marked(op: PostOp & { id: string }): SlackBlock[] {
  const [first, ...rest] = op.blocks?.length
    ? op.blocks
    : [{ type: 'section', text: { type: 'mrkdwn', text: op.text || ' ' } } as SlackBlock];
  if (first!.block_id) return [first!, ...rest];
  return [{ ...first!, block_id: postMarker(op.id) } as SlackBlock, ...rest];
}

async function sendPost(ctx: DeliveryContext, op: PostOp & StoredOp): Promise<string> {
  const threadTs = await threadTsOf(ctx, op.threadKey);
  if (op.sentAt !== undefined) {
    const found = await findPosted(ctx, { ...op, sentAt: op.sentAt }, threadTs);
    if (found) return found;
  }
  // The earlier attempt is settled (not posted). From here until the answer is stored, a crash
  // leaves Slack's side unknown.
  const { lookupCursor: _settled, ...attempt } = op;
  await ctx.redis.set(ctx.keys.op(op.id), JSON.stringify({ ...attempt, sentAt: ctx.clock.now() }));
  const content = ctx.scrub({ text: op.text, blocks: marked(op) });
  const answer = await ctx.web.chat.postMessage({
    channel: op.channel,
    ...content,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  return answer.ts as string;
}

async function sendEphemeral(ctx: DeliveryContext, op: EphemeralOp): Promise<void> {
  const threadTs = await threadTsOf(ctx, op.threadKey);
  const content = ctx.scrub({ text: op.text, ...(op.blocks ? { blocks: op.blocks } : {}) });
  await ctx.web.chat.postEphemeral({
    channel: op.channel,
    user: op.user,
    ...content,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
}

async function sendRespond(ctx: DeliveryContext, op: RespondOp): Promise<void> {
  const body = ctx.scrub({
    text: op.text,
    ...(op.blocks ? { blocks: op.blocks } : {}),
    ...(op.responseType ? { response_type: op.responseType } : {}),
    ...(op.replaceOriginal ? { replace_original: true } : {}),
    ...(op.deleteOriginal ? { delete_original: true } : {}),
  });
  let response: Response;
  try {
    response = await fetch(op.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
  } catch (error) {
    throw new FailedCall({ kind: 'transient', reason: (error as Error).message, unknown: true });
  }
  const failure = classifyHttpStatus(response.status, response.headers.get('retry-after'));
  if (failure) throw new FailedCall(failure);
}

/** Sends the op; resolves with the ts for a post. */
export async function send(ctx: DeliveryContext, op: StoredOp): Promise<string | undefined> {
  if (op.type === 'post') return sendPost(ctx, op);
  if (op.type === 'ephemeral') return void (await sendEphemeral(ctx, op));
  return void (await sendRespond(ctx, op));
}
