import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalCard, testApp } from './bolt-app.ts';
import { startSlackSim, type SlackSim } from './index.ts';
import { ALICE, BOB, OPS, testWorkspace, until } from './test-support.ts';

let sim: SlackSim;
let bot: ReturnType<typeof testApp>;

beforeEach(async () => {
  sim = await startSlackSim({ ...testWorkspace, transport: 'socket' });
  bot = testApp({ apiUrl: sim.apiUrl, botToken: sim.botToken, appToken: sim.appToken });
  await bot.app.start();
  await sim.socket.waitForConnection();
});
afterEach(async () => {
  await bot.app.stop();
  await sim.close();
});

describe("a real Bolt app on Bolt's SocketModeReceiver", () => {
  it('connects with the app token and acks a slash command envelope with text the user sees', async () => {
    expect(sim.received.filter((e) => e.name === 'apps.connections.open' && !e.error)).toHaveLength(1);
    const result = await sim.sendSlashCommand({ text: 'status gitlab-runner-02', userId: ALICE, channelId: OPS });
    expect(result).toMatchObject({
      transport: 'socket',
      acked: true,
      attempts: 1,
      body: { text: 'Queued: status gitlab-runner-02' },
    });
    expect(sim.ephemerals(ALICE).map((e) => [e.via, e.text])).toEqual([['ack', 'Queued: status gitlab-runner-02']]);
  });

  it('delivers interactive and events_api envelopes', async () => {
    const slack = new WebClient(sim.botToken, { slackApiUrl: sim.apiUrl });
    const card = await slack.chat.postMessage({ channel: OPS, text: 'Rebuild?', blocks: approvalCard });
    expect(
      await sim.sendBlockAction({ userId: BOB, channelId: OPS, messageTs: card.ts as string, actionId: 'approve' }),
    ).toMatchObject({ acked: true });
    await until(() =>
      sim
        .channel(OPS)
        .messages()
        .find((m) => m.ts === card.ts && m.text === `Approved by <@${BOB}>`),
    );
    expect(await sim.openAppHome(BOB)).toMatchObject({ acked: true });
    await until(() => sim.homeView(BOB));
  });

  it('asks the client to reconnect, and Bolt comes back on a fresh URL', async () => {
    sim.socket.requestReconnect();
    await until(
      () =>
        sim.received.filter((e) => e.name === 'apps.connections.open').length === 2 && sim.socket.connections() === 1,
    );
    const result = await sim.sendSlashCommand({ text: 'list', userId: ALICE, channelId: OPS });
    expect(result).toMatchObject({ acked: true, body: { text: 'Queued: list' } });
  });
});
