// The one way text that runnerbot did not write itself (a reason, a label, an error from
// Proxmox, an audit detail, a node name) enters a Slack mrkdwn message. Slack parses `<!channel>`,
// `<!here>`, `<@U…>`, `<#C…>` and `<url|label>` in mrkdwn, even inside code spans; escaping
// `&`, `<` and `>` (Slack's own three) shows them as typed instead (vendor-behaviour.md 8).

export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A message runnerbot wrote (a refusal from the core), escaped except for the mentions it makes
 * itself of configured user and user-group ids. Outside text inside such a message was already
 * made inert where it was put in (`quoteInput`), so it cannot forge one.
 */
export const escapeKeepingMentions = (text: string): string =>
  escapeMrkdwn(text).replace(/&lt;(@[UW][A-Z0-9]{2,}|!subteam\^S[A-Z0-9]{2,})&gt;/g, '<$1>');

/** Outside text for inside a code span: escaped, and unable to close the span early. */
export const code = (text: string): string => `\`${escapeMrkdwn(text).replace(/`/g, "'")}\``;

/** `<url|label>` for an http(s) URL; undefined for anything else (or nothing). */
export function link(url: string | undefined, label: string): string | undefined {
  if (!url || !/^https?:\/\/[^\s<>|]+$/i.test(url)) return undefined;
  return `<${url}|${escapeMrkdwn(label)}>`;
}
