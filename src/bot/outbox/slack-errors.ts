// What a failed Slack call means for the outbox: wait as told (429), try again later (5xx,
// network), or give up on this message (Slack refused it for good).
import { ErrorCode, type WebAPICallError } from '@slack/web-api';

export type Failure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** `unknown` when Slack may have acted on the call before it failed (a timeout, a 5xx). */
  | { kind: 'transient'; reason: string; unknown: boolean }
  | { kind: 'permanent'; reason: string };

/** A failure already classified (a response_url's status, a lookup before a post). */
export class FailedCall extends Error {
  constructor(readonly failure: Failure) {
    super(failure.kind === 'rate_limited' ? 'rate limited' : failure.reason);
  }
}

/** Platform errors that say "try again later" rather than "this message is wrong". */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
  'ratelimited',
]);

export function classifySlackError(error: unknown): Failure {
  const e = error as Partial<WebAPICallError> & { message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: Math.max(1, Number(e.retryAfter) || 1) * 1000 };
    case ErrorCode.PlatformError: {
      const reason = e.data?.error ?? 'unknown_error';
      return TRANSIENT_PLATFORM_ERRORS.has(reason)
        ? { kind: 'transient', reason, unknown: true }
        : { kind: 'permanent', reason };
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      if (status === 429)
        return { kind: 'rate_limited', retryAfterMs: Math.max(1, Number(e.headers?.['retry-after']) || 1) * 1000 };
      return status >= 500
        ? { kind: 'transient', reason: `http_${status}`, unknown: true }
        : { kind: 'permanent', reason: `http_${status}` };
    }
    default:
      return { kind: 'transient', reason: e.message ?? String(error), unknown: true };
  }
}

/** For response_url posts, which answer plain HTTP statuses. */
export function classifyHttpStatus(status: number, retryAfter: string | null): Failure | null {
  if (status >= 200 && status < 300) return null;
  if (status === 429) return { kind: 'rate_limited', retryAfterMs: Math.max(1, Number(retryAfter) || 1) * 1000 };
  if (status >= 500) return { kind: 'transient', reason: `http_${status}`, unknown: true };
  return { kind: 'permanent', reason: `http_${status}` };
}

/** Waits 0.5 s, 1 s, 2 s … up to a minute between attempts. */
export const backoffMs = (attempts: number): number => Math.min(60_000, 500 * 2 ** Math.max(0, attempts - 1));

/** After this many failed attempts a message is given up (about a quarter of an hour of trying). */
export const MAX_ATTEMPTS = 20;
