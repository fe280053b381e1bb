// Text from Alertmanager (labels, annotations, URLs) made safe for Slack mrkdwn: no stray
// `<…>` control sequences, and links only to http(s) URLs.

export const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `<url|label>` for an http(s) URL; undefined for anything else (or nothing). */
export function link(url: string | undefined, label: string): string | undefined {
  if (!url || !/^https?:\/\/[^\s<>|]+$/i.test(url)) return undefined;
  return `<${url}|${escapeMrkdwn(label)}>`;
}
