// Slack's mrkdwn to safe HTML: everything is escaped first, then links, mentions, code and
// *bold* _italic_ ~strike~ are drawn as Slack draws them.

const EMOJI = {
  white_check_mark: '✅',
  x: '❌',
  warning: '⚠️',
  rotating_light: '🚨',
  hourglass: '⏳',
  hourglass_flowing_sand: '⏳',
  arrows_counterclockwise: '🔄',
  large_green_circle: '🟢',
  red_circle: '🔴',
  fire: '🔥',
  mute: '🔇',
  wrench: '🔧',
  hand: '✋',
  raised_hand: '✋',
  octagonal_sign: '🛑',
  thumbsup: '👍',
  '+1': '👍',
  information_source: 'ℹ️',
  bell: '🔔',
  no_bell: '🔕',
  large_yellow_circle: '🟡',
};

export function escapeHtml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `names` resolves user, user-group and channel ids to what Slack would show. */
function entity(inner, names) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(names.user(target.slice(1)))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(names.channel(target.slice(1)))}</span>`;
  if (target.startsWith('!date^')) return escapeHtml(new Date(Number(target.split('^')[1]) * 1000).toLocaleString());
  if (target.startsWith('!subteam^'))
    return `<span class="mention">@${escapeHtml(names.group(target.slice(9)))}</span>`;
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  const href = target.replace(/&amp;/g, '&');
  if (!/^(https?|mailto):/i.test(href)) return escapeHtml(label ?? target);
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${label ?? target}</a>`;
}

function inline(text, names) {
  return text
    .replace(/&lt;([^&\s][^]*?)&gt;/g, (_, inner) => entity(inner, names))
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:!?]|$)/gm, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:!?]|$)/gm, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=[\s).,:!?]|$)/gm, '$1<s>$2</s>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole)
    .replace(/\n/g, '<br>');
}

export function mrkdwn(text, names) {
  const parts = escapeHtml(text ?? '').split(/(```[^]*?```|`[^`\n]+`)/);
  return parts
    .map((part) => {
      if (part.startsWith('```') && part.endsWith('```') && part.length >= 6) return `<pre>${part.slice(3, -3)}</pre>`;
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) return `<code>${part.slice(1, -1)}</code>`;
      return inline(part, names);
    })
    .join('');
}

export function plain(text) {
  return escapeHtml(text ?? '').replace(/\n/g, '<br>');
}
