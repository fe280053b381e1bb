/* global EventSource */
// The Slack simulator, from the user's side: its state and change feed, and the user's actions
// (slash commands and clicks), which it signs and delivers to runnerbot exactly as Slack does.

export function slackClient(baseUrl) {
  const post = async (path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.detail ?? answer.error ?? `HTTP ${res.status}`);
    return answer;
  };
  return {
    state: async () => (await fetch(`${baseUrl}/_sim/state`)).json(),
    /** Calls `onChange` for every change; `onStatus(true|false)` as the feed connects or drops. */
    subscribe(onChange, onStatus) {
      const source = new EventSource(`${baseUrl}/_sim/events`);
      source.onopen = () => onStatus(true);
      source.onerror = () => onStatus(false);
      for (const type of [
        'message_posted',
        'message_updated',
        'message_deleted',
        'ephemeral',
        'ephemeral_updated',
        'view_published',
        'delivery',
      ]) {
        source.addEventListener(type, onChange);
      }
      return () => source.close();
    },
    slashCommand: (userId, channelId, command, text) =>
      post('/_sim/slash-command', { userId, channelId, command, text }),
    click: (userId, channelId, messageTs, actionId, value) =>
      post('/_sim/block-action', { userId, channelId, messageTs, actionId, value }),
  };
}
