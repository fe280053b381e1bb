// chat.* methods: post, update, delete, ephemeral and permalink, with Slack's text and block limits.
import { checkBlocks, MAX_MESSAGE_TEXT } from './blocks.ts';
import { fail, ok, type ApiAnswer, type MethodHandler } from './api-context.ts';
import { jsonArg, stringArg, type Args } from './request.ts';
import type { Block, SimMessage } from './types.ts';

type Content = { ok: true; text: string; blocks?: Block[] } | { ok: false; answer: ApiAnswer };

/** Text and blocks of a message; `requireSome` is false for chat.update (either may change alone). */
export function readContent(args: Args, requireSome = true): Content {
  const text = stringArg(args, 'text');
  let blocks: Block[] | undefined;
  if (args.blocks !== undefined && args.blocks !== '') {
    const parsed = jsonArg(args.blocks);
    if (!parsed.ok) return { ok: false, answer: fail('invalid_blocks_format') };
    const checked = checkBlocks(parsed.value);
    if (!checked.ok) {
      const extra = checked.messages
        ? {
            errors: checked.messages.map((m) => m.replace('[ERROR] ', '')),
            response_metadata: { messages: checked.messages },
          }
        : {};
      return { ok: false, answer: fail(checked.error, extra) };
    }
    blocks = checked.blocks;
  }
  if (requireSome && !text && !blocks?.length && !args.attachments) return { ok: false, answer: fail('no_text') };
  if (text && text.length > MAX_MESSAGE_TEXT) return { ok: false, answer: fail('msg_too_long') };
  return { ok: true, text: text ?? '', ...(blocks ? { blocks } : {}) };
}

export const messageView = (m: SimMessage): Record<string, unknown> => {
  const { channel: _channel, history: _history, ...rest } = m;
  return rest;
};

const postMessage: MethodHandler = ({ workspace, args }) => {
  const channel = workspace.channelId(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const content = readContent(args);
  if (!content.ok) return content.answer;
  const thread_ts = stringArg(args, 'thread_ts');
  const message = workspace.post(channel, {
    text: content.text,
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(thread_ts ? { thread_ts } : {}),
  });
  return ok({ channel, ts: message.ts, message: messageView(message) });
};

const update: MethodHandler = ({ workspace, args }) => {
  const channel = stringArg(args, 'channel') ?? '';
  if (!workspace.channels.has(channel)) return fail('channel_not_found');
  const message = workspace.find(channel, stringArg(args, 'ts') ?? '');
  if (!message) return fail('message_not_found');
  if (message.bot_id !== workspace.seed.botId) return fail('cant_update_message');
  const content = readContent(args, false);
  if (!content.ok) return content.answer;
  const next = {
    ...(args.text !== undefined ? { text: content.text } : {}),
    ...(content.blocks ? { blocks: content.blocks } : {}),
  };
  workspace.update(message, next);
  return ok({ channel, ts: message.ts, text: message.text, message: messageView(message) });
};

const postEphemeral: MethodHandler = ({ workspace, args }) => {
  const channel = workspace.channelId(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const user = stringArg(args, 'user') ?? '';
  if (!workspace.users.has(user)) return fail('user_not_in_channel');
  const content = readContent(args);
  if (!content.ok) return content.answer;
  const thread_ts = stringArg(args, 'thread_ts');
  const ephemeral = workspace.addEphemeral({
    channel,
    user,
    text: content.text,
    via: 'chat.postEphemeral',
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(thread_ts ? { thread_ts } : {}),
  });
  return ok({ message_ts: ephemeral.ts });
};

const remove: MethodHandler = ({ workspace, args }) => {
  const channel = stringArg(args, 'channel') ?? '';
  if (!workspace.channels.has(channel)) return fail('channel_not_found');
  const ts = stringArg(args, 'ts') ?? '';
  const message = workspace.find(channel, ts);
  if (!message) return fail('message_not_found');
  if (message.bot_id !== workspace.seed.botId) return fail('cant_delete_message');
  workspace.remove(channel, ts);
  return ok({ channel, ts });
};

const getPermalink: MethodHandler = ({ workspace, args, baseUrl }) => {
  const channel = stringArg(args, 'channel') ?? '';
  if (!workspace.channels.has(channel)) return fail('channel_not_found');
  const ts = stringArg(args, 'message_ts') ?? '';
  if (!workspace.find(channel, ts)) return fail('message_not_found');
  return ok({ channel, permalink: `${baseUrl}/archives/${channel}/p${ts.replace('.', '')}` });
};

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.delete': remove,
  'chat.getPermalink': getPermalink,
};
