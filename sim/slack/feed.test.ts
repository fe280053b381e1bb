import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackSim, type SlackSim } from './index.ts';
import { ALICE, OPS, testWorkspace, until } from './test-support.ts';

let sim: SlackSim;
let slack: WebClient;

beforeEach(async () => {
  sim = await startSlackSim(testWorkspace);
  slack = new WebClient(sim.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(() => sim.close());

describe('the state, change feed and faults a page or a test can use', () => {
  it('serves the workspace as JSON and streams changes as Server-Sent Events', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${sim.url}/_sim/events`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    let received = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream.body as AsyncIterable<Uint8Array>) received += decoder.decode(chunk);
    })().catch(() => undefined);

    const posted = await slack.chat.postMessage({ channel: OPS, text: 'hello page' });
    await slack.chat.update({ channel: OPS, ts: posted.ts as string, text: 'hello again' });
    await until(() => received.includes('event: message_updated'));
    expect(received).toContain('event: message_posted\ndata: {"type":"message_posted","message":{');
    controller.abort();
    await reading;

    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as {
      channels: { id: string; messages: { text: string }[] }[];
    };
    expect(state.channels.find((c) => c.id === OPS)?.messages.map((m) => m.text)).toEqual(['hello again']);
  });

  it('sends a slash command for a page through POST /_sim/slash-command', async () => {
    const res = await fetch(`${sim.url}/_sim/slash-command`, {
      method: 'POST',
      body: JSON.stringify({ text: 'help', userId: ALICE, channelId: OPS }),
    });
    expect(await res.json()).toMatchObject({ transport: 'socket', acked: false, error: 'no_connection' });
  });

  it('injects faults per endpoint', async () => {
    sim.faults.set('POST /api/chat.postMessage', { errorRate: 1, status: 503, times: 1 });
    await expect(slack.chat.postMessage({ channel: OPS, text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 503,
    });
    await slack.chat.postMessage({ channel: OPS, text: 'second try' });
    expect(
      sim
        .channel(OPS)
        .messages()
        .map((m) => m.text),
    ).toEqual(['second try']);
  });
});
