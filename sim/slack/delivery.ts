// What one delivery to the app came to, over either transport.
export interface HttpRequestRecord {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryResult {
  transport: 'http' | 'socket';
  /** The app answered 2xx (HTTP) or acked the envelope (Socket Mode). */
  acked: boolean;
  /** HTTP status of the last attempt (HTTP only). */
  status?: number;
  /** The ack's body: parsed JSON when it was JSON, else the text; the Socket Mode ack's payload. */
  body?: unknown;
  /** Milliseconds from sending the last attempt to its answer. */
  ackMs: number;
  attempts: number;
  /** Why it was not acked: http_timeout, http_error, connection_failed, no_connection, ack_timeout. */
  error?: string;
  /** HTTP only: the last attempt exactly as sent, for replay tests. */
  request?: HttpRequestRecord;
}

export interface RetryPolicy {
  /** Milliseconds the app has to answer (Slack: 3000). */
  ackTimeoutMs: number;
  /** How many times an unanswered delivery is sent again (Slack: up to 3); 0 for none. */
  retries: number;
  /** Pause before each retry (Slack waits about immediately, 1 min, 5 min; simulated in ms). */
  retryDelayMs: number;
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
