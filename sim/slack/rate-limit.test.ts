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
});
