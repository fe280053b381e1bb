// A channel's messages as Slack lays them out: top-level messages and the current user's
// ephemerals in time order; thread replies folded under "N replies" until opened.
import { renderBody } from './blocks.js';
import { escapeHtml } from './mrkdwn.js';

const time = (ts) =>
  new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const byTs = (a, b) => Number(a.ts) - Number(b.ts);

export function namesFor(state) {
  const find = (list, id) => list.find((x) => x.id === id);
  return {
    user: (id) => find(state.users, id)?.name ?? id,
    group: (id) => find(state.usergroups, id)?.handle ?? id,
    channel: (id) => find(state.channels, id)?.name ?? id,
  };
}

/** `buttons` maps a message ts to the interactive elements drawn on it, for the click handler. */
function messageHtml(m, ctx, { ephemeral = false } = {}) {
  const buttons = [];
  const body = renderBody(m, ctx.names, buttons);
  ctx.buttons.set(m.ts, buttons);
  const bot = m.user === ctx.state.bot.user_id || Boolean(m.bot_id) || ephemeral;
  const who = bot ? 'runnerbot' : ctx.names.user(m.user);
  const edited = m.edited ? ' <span class="edited">(edited)</span>' : '';
  const note = ephemeral ? '<div class="ephemeral-note">👁 Only visible to you</div>' : '';
  return `<div class="message${ephemeral ? ' ephemeral' : ''}" data-ts="${escapeHtml(m.ts)}" data-channel="${escapeHtml(m.channel)}"${ephemeral ? ' data-ephemeral="true"' : ''}>
    <div class="avatar${bot ? '' : ' user'}">${escapeHtml(who.slice(0, 1).toUpperCase())}</div>
    <div class="content">${note}<div class="meta"><b>${escapeHtml(who)}</b>${bot ? '<span class="app-badge">APP</span>' : ''}${time(m.ts)}${edited}</div>
    <div class="body">${body}</div>${threadHtml(m, ctx)}</div></div>`;
}

function threadHtml(root, ctx) {
  const replies = ctx.messages.filter((m) => m.thread_ts === root.ts && m.ts !== root.ts);
  const mine = ctx.ephemerals.filter((e) => e.thread_ts === root.ts);
  if (replies.length === 0 && mine.length === 0) return '';
  const open = ctx.openThreads.has(root.ts);
  const label = `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`;
  const toggle = `<button type="button" class="thread-toggle" data-thread="${escapeHtml(root.ts)}" aria-expanded="${open}">${open ? 'Hide thread' : label}</button>`;
  if (!open) return toggle;
  const items = [...replies.map((m) => ({ m, e: false })), ...mine.map((m) => ({ m, e: true }))].sort((a, b) =>
    byTs(a.m, b.m),
  );
  return `${toggle}<div class="thread" data-thread-of="${escapeHtml(root.ts)}">${items.map(({ m, e }) => messageHtml(m, ctx, { ephemeral: e })).join('')}</div>`;
}

/** The HTML of channel `channelId` for user `me`; fills `buttons`. */
export function channelHtml(state, channelId, me, openThreads, buttons) {
  const channel = state.channels.find((c) => c.id === channelId);
  const messages = channel?.messages ?? [];
  const ephemerals = state.ephemerals
    .filter((e) => e.user === me && e.channel === channelId)
    .map((e) => ({ ...e, channel: channelId }));
  const ctx = { state, names: namesFor(state), messages, ephemerals, openThreads, buttons };
  const top = [
    ...messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts).map((m) => ({ m, e: false })),
    ...ephemerals.filter((e) => !e.thread_ts).map((m) => ({ m, e: true })),
  ].sort((a, b) => byTs(a.m, b.m));
  if (top.length === 0) return '<div class="empty">No messages yet. Type <code>/runner help</code> below.</div>';
  return top.map(({ m, e }) => messageHtml(m, ctx, { ephemeral: e })).join('');
}
