// The WebClient the outbox delivers with: the SDK neither waits out 429s (that would pause every
// call of the process) nor retries; the outbox owns both, per method and channel.
import { LogLevel, WebClient } from '@slack/web-api';
import { fetchOption, type OutboundProxy } from '../../outbound-proxy.ts';

export interface OutboxWebClientOptions {
  token: string;
  /** e.g. the simulator's `apiUrl`; Slack's by default. */
  slackApiUrl?: string;
  /** Shorter than the delivery's lease. Default 10 s. */
  timeoutMs?: number;
  proxy?: OutboundProxy;
}

export function createOutboxWebClient({
  token,
  slackApiUrl,
  timeoutMs = 10_000,
  proxy,
}: OutboxWebClientOptions): WebClient {
  return new WebClient(token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: timeoutMs,
    logLevel: LogLevel.ERROR,
    ...fetchOption(proxy),
  });
}
