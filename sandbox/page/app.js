/* global document, localStorage, window */
// The sandbox page: a Slack-like client of the Slack simulator (channels, threads, buttons, the
// current user's ephemerals, a composer for slash commands, a switch of who you are) and the
// fleet panel. Live: the simulator's change feed triggers a redraw.
import { confirmDialog } from './dialog.js';
import { startFleetPanel } from './fleet.js';
import { channelHtml, namesFor } from './messages.js';
import { escapeHtml } from './mrkdwn.js';
import { slackClient } from './slack.js';

const sandbox = await (await fetch('/api/sandbox')).json();
const slack = slackClient(sandbox.slackUrl);
const view = {
  state: null,
  me: localStorage.getItem('sandbox.me') ?? sandbox.people[0].id,
  channel: sandbox.channels.runs,
  openThreads: new Set(),
  seen: new Map(),
  buttons: new Map(),
};
const $ = (id) => document.getElementById(id);

const topLevel = (channel) => channel.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts).length;

function renderSidebar() {
  $('channels').innerHTML = view.state.channels
    .map((c) => {
      if (c.id === view.channel) view.seen.set(c.id, topLevel(c));
      const unread = topLevel(c) - (view.seen.get(c.id) ?? 0);
      return `<a data-channel="${c.id}" class="${c.id === view.channel ? 'active' : ''}"># ${escapeHtml(c.name)}${unread > 0 ? `<span class="unread">${unread}</span>` : ''}</a>`;
    })
    .join('');
  $('people').innerHTML = sandbox.people
    .map(
      (p) => `<label class="${p.id === view.me ? 'active' : ''}" data-user="${p.id}">
    <input type="radio" name="me" value="${p.id}" ${p.id === view.me ? 'checked' : ''}> ${escapeHtml(p.real_name)}<small>@${escapeHtml(p.name)} · ${escapeHtml(p.rights)}</small></label>`,
    )
    .join('');
}

function renderChannel() {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  view.buttons = new Map();
  list.innerHTML = channelHtml(view.state, view.channel, view.me, view.openThreads, view.buttons);
  $('channel-name').textContent = `# ${namesFor(view.state).channel(view.channel)}`;
  $('channel-topic').textContent =
    view.channel === sandbox.channels.alerts
      ? 'Alertmanager notifications'
      : 'runner requests, approvals and progress threads';
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function render() {
  if (!view.state) return;
  renderSidebar();
  renderChannel();
}

let refreshing = null;
function refresh() {
  refreshing ??= new Promise((resolve) => setTimeout(resolve, 30))
    .then(() => slack.state())
    .then((state) => {
      view.state = state;
      render();
    })
    .catch(() => undefined)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

async function click(target) {
  const message = target.closest('.message');
  const element = view.buttons.get(message.dataset.ts)?.[Number(target.dataset.element)];
  if (!element) return;
  if (element.url) window.open(element.url, '_blank', 'noopener');
  if (!element.action_id) return;
  if (element.confirm && !(await confirmDialog(element.confirm, namesFor(view.state)))) return;
  target.disabled = true;
  try {
    await slack.click(view.me, message.dataset.channel, message.dataset.ts, element.action_id, element.value);
  } finally {
    target.disabled = false;
  }
}

$('messages').addEventListener('click', (event) => {
  const thread = event.target.closest('.thread-toggle');
  if (thread) {
    const ts = thread.dataset.thread;
    if (!view.openThreads.delete(ts)) view.openThreads.add(ts);
    return renderChannel();
  }
  const button = event.target.closest('.block-button');
  if (button) void click(button);
});

$('channels').addEventListener('click', (event) => {
  const link = event.target.closest('[data-channel]');
  if (!link) return;
  view.channel = link.dataset.channel;
  render();
  $('messages').scrollTop = $('messages').scrollHeight;
});

$('people').addEventListener('change', (event) => {
  view.me = event.target.value;
  localStorage.setItem('sandbox.me', view.me);
  render();
});

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('composer-input');
  const match = /^(\/\S+)\s*([^]*)$/.exec(input.value.trim());
  if (!match) {
    $('composer-hint').textContent = 'The sandbox sends slash commands: start with /runner (try /runner help).';
    return;
  }
  input.value = '';
  await slack.slashCommand(view.me, view.channel, match[1], match[2]);
});

slack.subscribe(
  () => void refresh(),
  (connected) => {
    $('connection').textContent = connected ? '● live' : '○ reconnecting…';
    if (connected) void refresh();
  },
);
startFleetPanel(sandbox);
await refresh();
document.body.dataset.ready = 'true';
