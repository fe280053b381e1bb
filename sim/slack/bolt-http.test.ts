import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalCard, testApp } from './bolt-app.ts';
import { startSlackSim, type SlackSim } from './index.ts';
import { ALICE, BOB, OPS, testWorkspace, until } from './test-support.ts';

let sim: SlackSim;
let bot: ReturnType<typeof testApp>;

beforeEach(async () => {
  sim = await startSlackSim({ ...testWorkspace, transport: 'http' });
  bot = testApp({ apiUrl: sim.apiUrl, botToken: sim.botToken, signingSecret: sim.signingSecret });
  const server = (await bot.app.start(0)) as { address(): AddressInfo };
  sim.setRequestUrl(`http://127.0.0.1:${server.address().port}/slack/events`);
});
afterEach(async () => {
  await bot.app.stop();
  await sim.close();
});

describe('a real Bolt app on the HTTP receiver', () => {
  it('receives a signed slash command and its ack text reaches the user', async () => {
    const result = await sim.sendSlashCommand({
      command: '/runner',
      text: 'provision gitlab-runner-02',
      userId: ALICE,
      channelId: OPS,
    });
    expect(result).toMatchObject({
      transport: 'http',
      acked: true,
      status: 200,
      attempts: 1,
      body: { text: 'Queued: provision gitlab-runner-02' },
    });
    expect(result.responseUrl).toMatch(new RegExp(`^${sim.url}/response/`));
    expect(sim.ephemerals(ALICE).map((e) => e.text)).toEqual(['Queued: provision gitlab-runner-02']);
    expect(sim.ephemerals(BOB)).toEqual([]);
  });

  it('gets 401 for a forged signature or a stale timestamp, and the app never sees them', async () => {
    const forged = await sim.sendSlashCommand(
      { text: 'deprovision x', userId: ALICE, channelId: OPS },
      { signingSecret: 'not-the-secret' },
    );
    expect(forged).toMatchObject({ acked: false, status: 401 });
    const stale = await sim.sendSlashCommand(
      { text: 'deprovision y', userId: ALICE, channelId: OPS },
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
    );
    expect(stale).toMatchObject({ acked: false, status: 401 });
    expect(bot.commands).toEqual([]);
    expect(sim.ephemerals(ALICE).map((e) => e.via)).toEqual(['slack', 'slack']);
  });

  it('delivers a button click whose response_url replaces the card', async () => {
    const slack = new WebClient(sim.botToken, { slackApiUrl: sim.apiUrl });
    const card = await slack.chat.postMessage({ channel: OPS, text: 'Rebuild?', blocks: approvalCard });
    const click = await sim.sendBlockAction({
      userId: BOB,
      channelId: OPS,
      messageTs: card.ts as string,
      actionId: 'approve',
    });
    expect(click).toMatchObject({ acked: true, status: 200 });
    const message = await until(() =>
      sim
        .channel(OPS)
        .messages()
        .find((m) => m.text === `Approved by <@${BOB}>`),
    );
    expect(message.ts).toBe(card.ts);
    expect(message.history.map((h) => h.text)).toEqual(['Rebuild?']);
    await expect(
      sim.sendBlockAction({ userId: BOB, channelId: OPS, messageTs: card.ts as string, actionId: 'deny' }),
    ).rejects.toThrow(/no element/);
  });

  it('sends app_home_opened as a signed event and the app publishes a Home view', async () => {
    const opened = await sim.openAppHome(ALICE);
    expect(opened).toMatchObject({ acked: true, status: 200 });
    const view = await until(() => sim.homeView(ALICE));
    expect(view.view.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Fleet: 0 runners' } }]);
  });
});
