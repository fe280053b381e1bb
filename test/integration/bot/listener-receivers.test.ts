// The two transports: HTTP refuses what Slack did not sign (or signed too long ago, or in the
// future), acks a replay but does nothing for it, and neither transport starts a second job for
// a redelivery.
import { afterEach, describe, expect, it } from 'vitest';
import { slackSignature } from '../../../sim/slack/signing.ts';
import { ALICE, OPS, startBotHarness, until, type BotHarness } from './listener-harness.ts';

let h: BotHarness;
afterEach(() => h.close());

const provision = (sign?: Parameters<BotHarness['sim']['sendSlashCommand']>[1]) =>
  h.sim.sendSlashCommand({ text: 'provision gitlab-runner-07', userId: ALICE, channelId: OPS }, sign);

describe('the HTTP receiver at /slack/events', () => {
  it('answers 401 to a forged signature, a stale or future timestamp, and starts no job', async () => {
    h = await startBotHarness({ transport: 'http' });
    const now = Math.floor(Date.now() / 1000);

    expect(await provision({ signingSecret: 'not-the-signing-secret' })).toMatchObject({ acked: false, status: 401 });
    expect(await provision({ timestamp: now - 6 * 60 })).toMatchObject({ acked: false, status: 401 });
    expect(await provision({ timestamp: now + 6 * 60 })).toMatchObject({ acked: false, status: 401 });
    expect(await h.jobIds()).toEqual([]);
    expect(await h.stores.runs.recent(10)).toEqual([]);
  });

  it('acks a replayed request, then does nothing for it', async () => {
    h = await startBotHarness({ transport: 'http' });
    const list = await h.sim.sendSlashCommand({ text: 'list', userId: ALICE, channelId: OPS });
    const answered = () => h.sim.ephemerals(ALICE).filter((e) => e.via === 'response_url').length;
    const answers = async (count: number) => {
      await until(() => answered() >= count);
      await new Promise((r) => setTimeout(r, 200));
      return answered();
    };
    expect(await answers(1)).toBe(1);
    // Without a trigger_id the delivery dedupe cannot tell two deliveries apart: only the replay check can.
    const form = new URLSearchParams(list.request!.body);
    form.delete('trigger_id');
    const body = form.toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const post = async () => {
      const response = await fetch(h.requestUrl!, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': slackSignature(h.sim.signingSecret, timestamp, body),
        },
        body,
      });
      return [response.status, ((await response.json()) as { text: string }).text];
    };
    expect(await post()).toEqual([200, 'On it…']);
    expect(await answers(2)).toBe(2);
    expect(await post()).toEqual([200, 'On it…']);
    expect(await answers(2)).toBe(2);
  });

  it('accepts a request signed within the window', async () => {
    h = await startBotHarness({ transport: 'http' });
    const result = await provision({ timestamp: Math.floor(Date.now() / 1000) - 4 * 60 });
    expect(result).toMatchObject({ acked: true, status: 200 });
    await until(async () => (await h.jobIds()).length === 1);
  });
});

describe('the Socket Mode receiver', () => {
  it('connects with the app token through the configured API URL and queues a provision', async () => {
    h = await startBotHarness({ transport: 'socket' });
    expect(h.sim.received.filter((e) => e.name === 'apps.connections.open' && !e.error)).toHaveLength(1);
    const result = await provision();
    expect(result).toMatchObject({ transport: 'socket', acked: true, body: { text: 'On it…' } });
    const answer = await until(() => h.sim.ephemerals(ALICE).find((e) => e.text.includes('is queued')));
    const runId = /run `([^`]+)`/.exec(answer.text)![1]!;
    expect(await h.jobIds()).toEqual([runId]);
    expect(h.sim.channel(OPS).messages()).toHaveLength(1);
  });

  it('starts one job when Slack redelivers an envelope it thinks was not acked', async () => {
    // A process too slow to ack within Slack's deadline (30 ms here): every envelope is sent again.
    h = await startBotHarness({
      transport: 'socket',
      ackTimeoutMs: 30,
      retries: { commands: true, max: 2, delayMs: 5 },
    });
    h.bolt.app.use(async ({ next }) => {
      await new Promise((r) => setTimeout(r, 60));
      await next();
    });
    const result = await provision();
    expect(result.attempts).toBeGreaterThan(1);
    await until(() => h.sim.ephemerals(ALICE).find((e) => e.text.includes('is queued')));
    await until(async () => (await h.jobIds()).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await h.jobIds()).toHaveLength(1);
    expect(
      h.sim
        .ephemerals(ALICE)
        .filter((e) => e.via === 'response_url')
        .map((e) => e.text),
    ).toEqual([expect.stringContaining('is queued')]);
  });
});
