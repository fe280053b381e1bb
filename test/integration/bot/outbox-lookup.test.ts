// Posts whose answer was lost (Slack posted them, the outbox never heard) against a Slack that
// lets an app outside the Marketplace read history and replies once a minute, 15 messages a
// call: every message arrives exactly once, the outbox never calls either method twice within a
// minute, and channels without a lost answer keep flowing while the others wait for their look.
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackSim } from '../../../sim/slack/index.ts';
import { acceptedPosts, outboxDrained, startHarness, waitFor, type Harness } from './outbox-harness.ts';

const CHANNELS = ['C0LOOK0001', 'C0LOOK0002', 'C0LOOK0003', 'C0LOOK0004'] as const;
const [A, B, C, D] = CHANNELS;
const MINUTE = 60_000;
const sim = { channels: CHANNELS.map((id, i) => ({ id, name: `look-${i}` })) };

// 10× the wall clock: a minute takes 6 s, and the 5 s the outbox keeps to spare between two looks
// still cover a loaded machine's request latency.
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ speed: 10, sim });
});
afterEach(() => h.close());

const calls = (sim: SlackSim, method: string) => sim.received.filter((e) => e.kind === 'api' && e.name === method);

/** Accepted calls of a method are at least a minute apart (on the simulator's clock). */
function expectPaced(sim: SlackSim, method: string): void {
  const accepted = calls(sim, method).filter((e) => !e.error);
  for (let i = 1; i < accepted.length; i++)
    expect(accepted[i]!.at - accepted[i - 1]!.at).toBeGreaterThanOrEqual(MINUTE);
}

async function queueThread(channel: string): Promise<void> {
  await h.outbox.post({ key: `${channel}:root`, channel, text: `root in ${channel}` });
  await h.outbox.post({ key: `${channel}:reply`, channel, threadKey: `${channel}:root`, text: `reply in ${channel}` });
  await h.outbox.update({ key: `${channel}:root`, text: `root in ${channel}, final` });
}

function expectThreadOnce(channel: string): void {
  const roots = h.sim.channel(channel).messages();
  expect(roots.map((m) => m.text)).toEqual([`root in ${channel}, final`]);
  expect(h.sim.thread(channel, roots[0]!.ts).map((m) => m.text)).toEqual([
    `root in ${channel}, final`,
    `reply in ${channel}`,
  ]);
  expect(acceptedPosts(h.sim, channel)).toHaveLength(2);
}

describe('finding a post whose answer was lost, within Slack’s history limits', () => {
  it('finds a burst of lost posts with one look per channel, a minute apart, while other channels flow', async () => {
    h.sim.faults.set('POST /api/chat.postMessage', { lostAnswerRate: 1, times: 3 });
    for (const channel of [A, B, C]) await queueThread(channel);
    h.startDelivery();
    await waitFor(() => [A, B, C].every((c) => acceptedPosts(h.sim, c).length >= 1), 'the three roots to land');

    // A channel with nothing unknown is not held up by the others' looks.
    await h.outbox.post({ key: 'free', channel: D!, text: 'meanwhile' });
    await waitFor(() => acceptedPosts(h.sim, D!).length === 1, 'the post in the free channel');
    await waitFor(() => outboxDrained(h), 'the outbox to drain');

    for (const channel of [A, B, C]) expectThreadOnce(channel!);
    const looks = calls(h.sim, 'conversations.history');
    expect(looks.filter((e) => e.error)).toEqual([]);
    expect(looks.map((e) => e.args.channel).sort()).toEqual([A, B, C]);
    expectPaced(h.sim, 'conversations.history');
    expect(acceptedPosts(h.sim, D!)[0]!.at).toBeLessThan(looks.at(-1)!.at);
    for (const look of looks) expect(Number(look.args.limit)).toBeLessThanOrEqual(15);
  });

  it('keeps the mark and waits when Slack refuses the look, then finds the reply without posting it twice', async () => {
    await h.outbox.post({ key: 'root', channel: A!, text: 'root' });
    h.startDelivery();
    await waitFor(() => h.outbox.tsOf('root'), 'the root to be posted');
    // Another client of the same app (a second bot process, a script) used this minute's replies call.
    const other = new WebClient(h.sim.botToken, { slackApiUrl: h.sim.apiUrl, retryConfig: { retries: 0 } });
    await other.conversations.replies({ channel: A!, ts: (await h.outbox.tsOf('root'))!.ts });

    h.sim.faults.set('POST /api/chat.postMessage', { lostAnswerRate: 1, times: 1 });
    await h.outbox.post({ key: 'reply', channel: A!, threadKey: 'root', text: 'the reply' });
    const refused = await waitFor(
      () => calls(h.sim, 'conversations.replies').find((e) => e.error === 'ratelimited'),
      'the refused look',
    );
    const waiting = await waitFor(async () => {
      const ops = await h.redis.keys(`${h.prefix}:outbox:op:*`);
      const stored = ops.length === 1 ? JSON.parse((await h.redis.get(ops[0]!)) ?? '{}') : {};
      return stored.retryAt > refused.at && stored;
    }, 'the op to wait for its next look');
    expect(waiting).toMatchObject({ key: 'reply', sentAt: expect.any(Number) });
    expect(await h.redis.hget(`${h.prefix}:outbox:msg:reply`, 'state')).toBe('pending');

    await waitFor(() => outboxDrained(h), 'the outbox to drain');
    const [root] = h.sim.channel(A!).messages();
    expect(h.sim.thread(A!, root!.ts).map((m) => m.text)).toEqual(['root', 'the reply']);
    expect(acceptedPosts(h.sim, A!)).toHaveLength(2);
    const found = calls(h.sim, 'conversations.replies').filter((e) => !e.error);
    expect(found).toHaveLength(2);
    expect(found[1]!.at - found[0]!.at).toBeGreaterThanOrEqual(MINUTE);
    const refusedLooks = (await h.metrics.slackCalls.get()).values.find(
      (v) => v.labels.method === 'conversations.replies' && v.labels.outcome === 'rate_limited',
    );
    expect(refusedLooks?.value).toBe(1);
  });

  it('pages back through a busy window, one page a minute, and posts again only when the attempt is not there', async () => {
    // A slower clock: the others' 20 messages must fall within the attempt's window.
    await h.close();
    h = await startHarness({ speed: 5, sim });
    h.sim.setRateLimits({ postMessagePerChannel: { perSecond: 1000, burst: 1000 } });
    const other = new WebClient(h.sim.botToken, { slackApiUrl: h.sim.apiUrl, retryConfig: { retries: 0 } });
    for (let i = 0; i < 20; i++) await other.chat.postMessage({ channel: B!, text: `chatter ${i}` });
    h.sim.setRateLimits({});
    h.sim.faults.set('POST /api/chat.postMessage', { errorRate: 1, status: 503, times: 1 });
    await h.outbox.post({ key: 'lost', channel: B!, text: 'posted once' });
    h.startDelivery();

    await waitFor(() => outboxDrained(h), 'the outbox to drain');
    const mine = h.sim
      .channel(B!)
      .messages()
      .filter((m) => m.text === 'posted once');
    expect(mine).toHaveLength(1);
    const looks = calls(h.sim, 'conversations.history');
    expect(looks).toHaveLength(2);
    expect(looks[0]!.args.cursor).toBeUndefined();
    expect(looks[1]!.args.cursor).toEqual(expect.any(String));
    expectPaced(h.sim, 'conversations.history');
  });
});
