import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERTS, OPS } from '../../../sim/slack/test-support.ts';
import { acceptedPosts, outboxDrained, startHarness, waitFor, type Harness } from './outbox-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

async function queueThreads(channel: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await h.outbox.post({ key: `${channel}:${i}:root`, channel, text: `root ${i}` });
    await h.outbox.post({
      key: `${channel}:${i}:reply`,
      channel,
      threadKey: `${channel}:${i}:root`,
      text: `reply ${i}`,
    });
    await h.outbox.update({ key: `${channel}:${i}:root`, text: `root ${i} final` });
  }
}

function expectThreads(channel: string, count: number): void {
  const roots = h.sim.channel(channel).messages();
  expect(roots.map((m) => m.text)).toEqual(Array.from({ length: count }, (_, i) => `root ${i} final`));
  for (const [i, root] of roots.entries())
    expect(h.sim.thread(channel, root.ts).map((m) => m.text)).toEqual([`root ${i} final`, `reply ${i}`]);
}

describe('Slack outbox under faults', () => {
  it('loses and doubles nothing through a burst of 5xx answers and dropped connections', async () => {
    h.sim.faults.set('POST /api/chat.postMessage', { errorRate: 1, status: 503, times: 6 });
    h.sim.faults.set('POST /api/chat.update', { errorRate: 1, status: 500, times: 4 });
    await queueThreads(OPS, 4);
    h.startDelivery();
    await waitFor(() => outboxDrained(h), 'the outbox to drain after the 5xx burst');
    expectThreads(OPS, 4);

    h.sim.faults.set('POST /api/chat.postMessage', { dropRate: 1, times: 3 });
    await queueThreads(ALERTS, 2);
    await waitFor(() => outboxDrained(h), 'the outbox to drain after dropped connections');
    expectThreads(ALERTS, 2);

    const errors = (await h.metrics.slackCalls.get()).values
      .filter((v) => v.labels.outcome === 'error')
      .reduce((n, v) => n + v.value, 0);
    expect(errors).toBeGreaterThanOrEqual(6 + 4 + 3);
  });

  it('waits out Retry-After for that method and channel only', async () => {
    // Slack allows each channel less than the outbox's 1 post per second here: it answers 429.
    h.sim.setRateLimits({ postMessagePerChannel: { perSecond: 0.2, burst: 1 } });
    await queueThreads(OPS, 2);
    h.startDelivery();
    const firstRefusal = await waitFor(
      () => h.sim.received.find((e) => e.error === 'ratelimited'),
      'a 429 in the first channel',
    );
    await queueThreads(ALERTS, 2);
    await waitFor(() => outboxDrained(h), 'the outbox to drain');
    expectThreads(OPS, 2);
    expectThreads(ALERTS, 2);

    const refused = h.sim.received.filter((e) => e.error === 'ratelimited');
    for (const entry of refused) {
      const next = h.sim.received.find(
        (e) => e.at > entry.at && e.name === 'chat.postMessage' && e.args.channel === entry.args.channel,
      );
      expect(next!.at - entry.at).toBeGreaterThanOrEqual(1000);
    }
    // The other channel was not paused by the first one's 429.
    const nextInOps = h.sim.received.find(
      (e) => e.at > firstRefusal.at && e.name === 'chat.postMessage' && e.args.channel === OPS,
    );
    const [firstInAlerts] = acceptedPosts(h.sim, ALERTS);
    expect(firstInAlerts!.at).toBeLessThan(nextInOps!.at);
  });
});
