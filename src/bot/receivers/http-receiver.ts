// Bolt's transport for HTTP mode, mounted on runnerbot's own HTTP server at POST /slack/events
// (so /healthz, /metrics and /alerts share one port). Unverified requests get 401 and never
// reach a listener. A replayed one is told apart only by Redis, and the ack does not wait for
// that round trip (on a busy host it would set the acks' pace): the listener's ack() sends the
// ack, then waits for the claim and throws on a replay, so the listener stops before its work.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, HTTPResponseAck, type App, type Receiver } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { Route } from '../../http/server.ts';
import type { RequestChecker } from './request-check.ts';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Far above any payload Slack sends; a larger body is refused before it is verified (Bolt's default reads 4 MB). */
export const MAX_SLACK_BODY_BYTES = 512 * 1024;

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Thrown by ack() once the ack went out, when the request was a replay: the listener does nothing more. */
export class RefusedAfterAck extends Error {
  // Bolt passes errors with a code to app.error as they are (others it wraps).
  readonly code = 'runnerbot_refused_after_ack';
}

const isSlackBody = (body: unknown): body is Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return typeof b.type === 'string' || typeof b.command === 'string' || b.ssl_check === '1';
};

export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;

  constructor(
    private readonly checker: RequestChecker,
    private readonly logger: BoltLogger,
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  route(): Route {
    return { method: 'POST', path: SLACK_EVENTS_PATH, handler: (req, res) => this.handle(req, res) };
  }

  private refuse(res: ServerResponse, status: number, reason: string): void {
    this.logger.warn(`refused a request to ${SLACK_EVENTS_PATH}: ${reason}`);
    // The unread rest of the body is not worth draining: close the connection instead.
    res.setHeader('connection', 'close');
    HTTPModuleFunctions.buildNoBodyResponse(res, status);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = {
      signature: header(req, 'x-slack-signature'),
      timestamp: header(req, 'x-slack-request-timestamp'),
    };
    const early = this.checker.precheck(headers);
    if (!early.ok) return this.refuse(res, 401, early.reason);
    if (Number(header(req, 'content-length') ?? 0) > MAX_SLACK_BODY_BYTES)
      return this.refuse(res, 413, 'body too large');
    let buffered;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, MAX_SLACK_BODY_BYTES);
    } catch {
      return this.refuse(res, 413, 'body too large');
    }
    const raw = buffered.rawBody.toString();
    const verdict = this.checker.verify(raw, headers);
    if (!verdict.ok) return this.refuse(res, 401, verdict.reason);
    let body;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered) as unknown;
    } catch {
      return this.refuse(res, 400, 'body is not a Slack payload');
    }
    // Signed but not something Slack sends (payload=null, an array, an object without a type):
    // refused here, before Bolt reads fields of it.
    if (!isSlackBody(body)) return this.refuse(res, 400, 'body is not a Slack payload');
    if (body.ssl_check === '1') return HTTPModuleFunctions.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
    if (!this.app) return HTTPModuleFunctions.buildNoBodyResponse(res, 503);
    const claimed = this.checker.claim(raw, headers).catch((error: unknown) => {
      this.logger.error('could not check a request to /slack/events for a replay', error);
      return { ok: false, reason: 'the replay check failed' } as const;
    });
    const sendAck = new HTTPResponseAck({
      logger: this.logger,
      processBeforeResponse: false,
      httpRequest: buffered,
      httpRequestBody: body,
      httpResponse: res,
    }).bind();
    const ack = async (response?: Parameters<typeof sendAck>[0]) => {
      await sendAck(response);
      const fresh = await claimed;
      if (fresh.ok) return;
      this.logger.warn(`refused a request to ${SLACK_EVENTS_PATH} after its ack: ${fresh.reason}`);
      throw new RefusedAfterAck(fresh.reason);
    };
    await this.app
      .processEvent({
        body,
        ack,
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
        retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
      })
      // Events are acked by Bolt itself, outside its listeners' error handling.
      .catch((error: unknown) => {
        if (!(error instanceof RefusedAfterAck)) throw error;
      });
  }
}
