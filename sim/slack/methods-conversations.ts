// conversations.info / history / replies over the workspace's channels, with cursor paging. An
// app not in the Marketplace gets at most 15 messages a call, whatever `limit` asks
// (vendor-behaviour.md 7); its calls are limited in web-api.ts.
import { fail, ok, type MethodHandler } from './api-context.ts';
import { messageView } from './methods-chat.ts';
import { stringArg, type Args } from './request.ts';
import type { SimMessage } from './types.ts';

/** The largest (and the default) page of history or replies for an app not in the Marketplace. */
export const PAGE_LIMIT = 15;

function page(messages: SimMessage[], args: Args): Record<string, unknown> {
  const limit = Math.min(Math.max(Number(stringArg(args, 'limit') ?? PAGE_LIMIT) || PAGE_LIMIT, 1), PAGE_LIMIT);
  const start = Number(Buffer.from(stringArg(args, 'cursor') ?? '', 'base64url').toString() || 0);
  const slice = messages.slice(start, start + limit);
  const more = start + limit < messages.length;
  const next = more ? Buffer.from(String(start + limit)).toString('base64url') : '';
  return { messages: slice.map(messageView), has_more: more, response_metadata: { next_cursor: next } };
}

function inRange(m: SimMessage, args: Args): boolean {
  const oldest = Number(stringArg(args, 'oldest') ?? 0);
  const latest = Number(stringArg(args, 'latest') ?? Infinity);
  const inclusive = ['1', 'true'].includes(stringArg(args, 'inclusive') ?? '');
  const ts = Number(m.ts);
  return inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
}

const info: MethodHandler = ({ workspace, args }) => {
  const channel = workspace.channels.get(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const isPrivate = Boolean(channel.is_private);
  return ok({
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: !isPrivate,
      is_group: isPrivate,
      is_im: false,
      is_private: isPrivate,
      is_archived: false,
      is_general: false,
      is_member: true,
      context_team_id: workspace.seed.teamId,
      created: 1700000000,
    },
  });
};

const history: MethodHandler = ({ workspace, args }) => {
  const list = workspace.messages.get(stringArg(args, 'channel') ?? '');
  if (!list) return fail('channel_not_found');
  const topLevel = list.filter((m) => !m.thread_ts || m.thread_ts === m.ts).filter((m) => inRange(m, args));
  return ok({ ...page([...topLevel].reverse(), args), pin_count: 0 });
};

const replies: MethodHandler = ({ workspace, args }) => {
  const list = workspace.messages.get(stringArg(args, 'channel') ?? '');
  if (!list) return fail('channel_not_found');
  const ts = stringArg(args, 'ts') ?? '';
  const parent = list.find((m) => m.ts === ts);
  if (!parent) return fail('thread_not_found');
  const root = parent.thread_ts ?? parent.ts;
  const thread = list
    .filter((m) => m.ts === root || m.thread_ts === root)
    .filter((m) => m.ts === root || inRange(m, args));
  return ok(page(thread, args));
};

export const conversationMethods: Record<string, MethodHandler> = {
  'conversations.info': info,
  'conversations.history': history,
  'conversations.replies': replies,
};
