import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalCard } from './bolt-app.ts';
import { startSlackSim, type SlackSim } from './index.ts';
import { ALICE, BOB, OPS, testWorkspace } from './test-support.ts';

let sim: SlackSim;
let responseUrl: string;

const respond = (body: Record<string, unknown>) =>
  fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeEach(async () => {
  sim = await startSlackSim(testWorkspace);
  // Nobody is connected: the command fails for the user, but its response_url is still Slack's.
  responseUrl = (await sim.sendSlashCommand({ text: 'list', userId: ALICE, channelId: OPS })).responseUrl;
});
afterEach(() => sim.close());

describe('response_url', () => {
  it('answers ephemerally by default, in the channel on request, and replaces its own ephemeral', async () => {
    expect((await respond({ text: 'only Alice sees this' })).status).toBe(200);
    expect(sim.ephemerals(ALICE).map((e) => e.text)).toContain('only Alice sees this');
    await respond({ text: 'everyone sees this', response_type: 'in_channel' });
    expect(
      sim
        .channel(OPS)
        .messages()
        .map((m) => m.text),
    ).toEqual(['everyone sees this']);
    await respond({ text: 'replaced', replace_original: true });
    expect(sim.ephemerals(ALICE).map((e) => e.text)).toEqual([
      '/runner failed with the error "dispatch_failed"',
      'replaced',
    ]);
  });

  it('can be used five times, then answers used_url', async () => {
    for (let i = 0; i < 5; i++) expect((await respond({ text: `answer ${i}` })).status).toBe(200);
    const sixth = await respond({ text: 'too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
  });

  it("replaces or deletes the clicked message through an action's response_url", async () => {
    const slack = new WebClient(sim.botToken, { slackApiUrl: sim.apiUrl });
    const card = await slack.chat.postMessage({ channel: OPS, text: 'Rebuild?', blocks: approvalCard });
    sim.setRequestUrl('http://127.0.0.1:9/unreachable');
    sim.setTransport('http');
    const click = await sim.sendBlockAction({
      userId: BOB,
      channelId: OPS,
      messageTs: card.ts as string,
      actionId: 'approve',
    });
    expect(click).toMatchObject({ acked: false, error: 'connection_failed' });
    responseUrl = click.responseUrl;
    await respond({ replace_original: true, text: 'Expired' });
    expect(
      sim
        .channel(OPS)
        .messages()
        .map((m) => m.text),
    ).toEqual(['Expired']);
    const tooMany = await respond({
      replace_original: true,
      blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })),
    });
    expect(tooMany.status).toBe(400);
    await respond({ delete_original: true });
    expect(sim.channel(OPS).messages()).toEqual([]);
  });
});
