// Sends a request to the app's request URL as Slack does: signed (v0), with Slack's retry
// headers on redelivery when the app does not answer 2xx within the deadline.
import { pause, type DeliveryResult, type HttpRequestRecord, type RetryPolicy } from './delivery.ts';
import { slackSignature, type SignOverride } from './signing.ts';

export function signedRequest(
  url: string,
  contentType: string,
  body: string,
  secret: string,
  override: SignOverride = {},
): HttpRequestRecord {
  const timestamp = override.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = override.signature ?? slackSignature(override.signingSecret ?? secret, timestamp, body);
  return {
    url,
    body,
    headers: {
      'content-type': contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
  };
}

type Attempt = Omit<DeliveryResult, 'transport' | 'attempts'>;

/** Sends `request` once, exactly as recorded (a replay sends the very same bytes and headers). */
export async function sendOnce(request: HttpRequestRecord, timeoutMs: number): Promise<Attempt> {
  const started = performance.now();
  try {
    const res = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text) as unknown;
    const acked = res.status >= 200 && res.status < 300;
    return {
      acked,
      status: res.status,
      body,
      ackMs: performance.now() - started,
      request,
      ...(acked ? {} : { error: 'http_error' }),
    };
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    return {
      acked: false,
      ackMs: performance.now() - started,
      request,
      error: timedOut ? 'http_timeout' : 'connection_failed',
    };
  }
}

export async function deliverHttp(
  make: (retry?: { num: number; reason: string }) => HttpRequestRecord,
  policy: RetryPolicy,
): Promise<DeliveryResult> {
  let attempt = await sendOnce(make(), policy.ackTimeoutMs);
  let attempts = 1;
  while (!attempt.acked && attempts <= policy.retries) {
    await pause(policy.retryDelayMs);
    attempt = await sendOnce(make({ num: attempts, reason: attempt.error ?? 'unknown_error' }), policy.ackTimeoutMs);
    attempts += 1;
  }
  return { transport: 'http', attempts, ...attempt };
}
