// Is this HTTP request really from Slack, and new? Bolt's own signature check, plus what Bolt
// leaves out: timestamps too far in the future, and the same signed request sent twice.
import { verifySlackRequest } from '@slack/bolt';
import type { Redis } from 'ioredis';

/** Slack's window; a signature stays acceptable for this long either side of now. */
export const MAX_SKEW_SECONDS = 5 * 60;

export interface RequestHeaders {
  signature?: string;
  timestamp?: string;
}

export type RequestVerdict = { ok: true } | { ok: false; reason: string };

export interface RequestChecker {
  check(rawBody: string, headers: RequestHeaders): Promise<RequestVerdict>;
}

export function createRequestChecker(options: { signingSecret: string; redis: Redis; prefix: string; now?: () => number }): RequestChecker {
  const now = options.now ?? Date.now;
  return {
    async check(rawBody, { signature, timestamp }) {
      if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'missing signature or timestamp' };
      const skew = Number(timestamp) - Math.floor(now() / 1000);
      if (Math.abs(skew) > MAX_SKEW_SECONDS) return { ok: false, reason: skew > 0 ? 'timestamp in the future' : 'stale timestamp' };
      try {
        verifySlackRequest({
          signingSecret: options.signingSecret,
          body: rawBody,
          headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
          nowMilliseconds: now(),
        });
      } catch {
        return { ok: false, reason: 'signature mismatch' };
      }
      // Remembered for the whole window in which the timestamp would still pass.
      const fresh = await options.redis.set(`${options.prefix}:slack:signature:${signature}`, '1', 'EX', 2 * MAX_SKEW_SECONDS, 'NX');
      return fresh === 'OK' ? { ok: true } : { ok: false, reason: 'replayed request' };
    },
  };
}
