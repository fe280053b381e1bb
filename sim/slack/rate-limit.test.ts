import { ErrorCode, WebClient, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackSim, type SlackSim } from './index.ts';
import { ALERTS, OPS, testWorkspace } from './test-support.ts';

let sim: SlackSim;
let slack: WebClient;

beforeEach(async () => {
  sim = await startSlackSim(testWorkspace);
  slack = new WebClient(sim.botToken, {
    slackApiUrl: sim.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
});
afterEach(() => sim.close());

const settle = (calls: Promise<unknown>[]) => Promise.allSettled(calls);
const rateLimited = (results: PromiseSettledResult<unknown>[]) =>
  results.flatMap((r) => (r.status === 'rejected' ? [r.reason as WebAPIRateLimitedError] : []));

describe('Slack rate limits', () => {
  it('answers a burst to one channel with 429 and Retry-After, and accepts a post after the wait', async () => {
    const results = await settle(
      Array.from({ length: 5 }, (_, i) => slack.chat.postMessage({ channel: OPS, text: `burst ${i}` })),
    );
    const refused = rateLimited(results);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const e of refused) {
      expect(e.code).toBe(ErrorCode.RateLimitedError);
      expect(e.retryAfter).toBeGreaterThanOrEqual(1);
    }
    expect(sim.channel(OPS).messages()).toHaveLength(5 - refused.length);
    // Another channel has its own allowance.
    await slack.chat.postMessage({ channel: ALERTS, text: 'unaffected' });

    await new Promise((r) => setTimeout(r, (refused[0]?.retryAfter ?? 1) * 1000));
    await slack.chat.postMessage({ channel: OPS, text: 'after the wait' });
    expect(sim.channel(OPS).messages().at(-1)?.text).toBe('after the wait');
    expect(sim.received.filter((e) => e.error === 'ratelimited')).toHaveLength(refused.length);
  });

  it('limits chat.update across the workspace by its tier, and can be switched off', async () => {
    sim.setRateLimits({ update: { perSecond: 1, burst: 2 } });
    const posted = await slack.chat.postMessage({ channel: OPS, text: 'v0' });
    const results = await settle(
      [1, 2, 3].map((v) => slack.chat.update({ channel: OPS, ts: posted.ts as string, text: `v${v}` })),
    );
    expect(rateLimited(results)).toHaveLength(1);

    sim.setRateLimits(false);
    const free = await settle(
      Array.from({ length: 5 }, (_, i) => slack.chat.postMessage({ channel: OPS, text: `free ${i}` })),
    );
    expect(rateLimited(free)).toEqual([]);
  });

  it('gives an app outside the Marketplace one history and one replies call a minute, 15 messages each', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clocked = await startSlackSim({
      ...testWorkspace,
      now: () => now,
      rateLimits: { postMessagePerChannel: { perSecond: 1000, burst: 1000 } },
    });
    try {
      const client = new WebClient(clocked.botToken, {
        slackApiUrl: clocked.apiUrl,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      });
      const root = await client.chat.postMessage({ channel: OPS, text: 'root' });
      for (let i = 0; i < 20; i++) {
        now += 1000;
        await client.chat.postMessage({ channel: OPS, text: `top ${i}` });
        await client.chat.postMessage({ channel: OPS, text: `reply ${i}`, thread_ts: root.ts as string });
      }
      const first = await client.conversations.history({ channel: OPS, limit: 200 });
      expect(first.messages).toHaveLength(15);
      expect(first.messages?.[0]?.text).toBe('top 19');
      expect(first.has_more).toBe(true);
      // replies has an allowance of its own
      const thread = await client.conversations.replies({ channel: OPS, ts: root.ts as string });
      expect(thread.messages).toHaveLength(15);

      const refused = await client.conversations.history({ channel: ALERTS }).catch((e: WebAPIRateLimitedError) => e);
      expect(refused).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 60 });
      now += 30_000;
      const later = await client.conversations
        .replies({ channel: OPS, ts: root.ts as string })
        .catch((e: WebAPIRateLimitedError) => e);
      expect(later).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 30 });

      now += 30_000;
      const next = await client.conversations.history({
        channel: OPS,
        limit: 200,
        cursor: first.response_metadata?.next_cursor as string,
      });
      expect(next.messages?.map((m) => m.text)).toEqual(['top 4', 'top 3', 'top 2', 'top 1', 'top 0', 'root']);
      expect(next.has_more).toBe(false);
    } finally {
      await clocked.close();
    }
  });
});
