// Is this HTTP request really from Slack, and new? Bolt's own signature check, plus what Bolt
// leaves out: timestamps too far in the future, signature headers Slack never sends (Bolt reads
// only up to a second `=`, so `v0=<hex>=x` passed), and the same signed request sent twice.
// The first two are decided in memory before the ack; the third needs Redis (every replica must
// agree), so the receiver starts it at once but lets only the ack go out before its answer: a
// replay is acked like any request and then does nothing (see http-receiver.ts).
import { createHash } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';
import type { Redis } from 'ioredis';

/** Slack's window; a signature stays acceptable for this long either side of now. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** Exactly what Slack sends: version 0 and a hex HMAC-SHA256. */
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

export interface RequestHeaders {
  signature?: string;
  timestamp?: string;
}

export type RequestVerdict = { ok: true } | { ok: false; reason: string };

export interface RequestChecker {
  /** What the headers alone decide, before any of the body is read. */
  precheck(headers: RequestHeaders): RequestVerdict;
  /** Headers and signature: is this from Slack? */
  verify(rawBody: string, headers: RequestHeaders): RequestVerdict;
  /** Claims a verified request in Redis: ok the first time it is seen, `replayed request` after. */
  claim(rawBody: string, headers: RequestHeaders): Promise<RequestVerdict>;
}

export function createRequestChecker(options: {
  signingSecret: string;
  redis: Redis;
  prefix: string;
  now?: () => number;
}): RequestChecker {
  const now = options.now ?? Date.now;
  const precheck = ({ signature, timestamp }: RequestHeaders): RequestVerdict => {
    if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp))
      return { ok: false, reason: 'missing signature or timestamp' };
    if (!SIGNATURE.test(signature)) return { ok: false, reason: 'malformed signature' };
    const skew = Number(timestamp) - Math.floor(now() / 1000);
    if (Math.abs(skew) > MAX_SKEW_SECONDS)
      return { ok: false, reason: skew > 0 ? 'timestamp in the future' : 'stale timestamp' };
    return { ok: true };
  };
  return {
    precheck,
    verify(rawBody, headers) {
      const early = precheck(headers);
      if (!early.ok) return early;
      const { signature = '', timestamp = '' } = headers;
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
      return { ok: true };
    },
    async claim(rawBody, { timestamp = '' }) {
      // Keyed on what was verified (timestamp and body), not on the header's spelling; remembered
      // for the whole window in which the timestamp would still pass.
      const verified = createHash('sha256').update(`${timestamp}:${rawBody}`).digest('hex');
      const fresh = await options.redis.set(
        `${options.prefix}:slack:signature:${verified}`,
        '1',
        'EX',
        2 * MAX_SKEW_SECONDS,
        'NX',
      );
      return fresh === 'OK' ? { ok: true } : { ok: false, reason: 'replayed request' };
    },
  };
}
