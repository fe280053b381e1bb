// Slack's v0 request signature: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret.
import { createHmac } from 'node:crypto';

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Overrides for tests of the app's verification: a wrong secret, a stale or future timestamp. */
export interface SignOverride {
  signingSecret?: string;
  /** Unix seconds put in X-Slack-Request-Timestamp (and signed). */
  timestamp?: number;
  /** Sent as X-Slack-Signature verbatim instead of a computed one. */
  signature?: string;
}
