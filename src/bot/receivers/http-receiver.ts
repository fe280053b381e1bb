// Bolt's transport for HTTP mode, mounted on runnerbot's own HTTP server at POST /slack/events
// (so /healthz, /metrics and /alerts share one port). Unverified requests get 401 and never
// reach a listener.
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
    const verdict = await this.checker.check(raw, headers);
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
    const ack = new HTTPResponseAck({
      logger: this.logger,
      processBeforeResponse: false,
      httpRequest: buffered,
      httpRequestBody: body,
      httpResponse: res,
    });
    await this.app.processEvent({
      body,
      ack: ack.bind(),
      retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
      retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
    });
  }
}
