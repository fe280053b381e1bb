// Bolt's transport for HTTP mode, mounted on runnerbot's own HTTP server at POST /slack/events
// (so /healthz, /metrics and /alerts share one port). Unverified requests get 401 and never
// reach a listener.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, HTTPResponseAck, type App, type Receiver } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { Route } from '../http-server.ts';
import type { RequestChecker } from './request-check.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly checker: RequestChecker, private readonly logger: BoltLogger) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  route(): Route {
    return { method: 'POST', path: SLACK_EVENTS_PATH, handler: (req, res) => this.handle(req, res) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let buffered;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
    } catch {
      return HTTPModuleFunctions.buildNoBodyResponse(res, 413);
    }
    const raw = buffered.rawBody.toString();
    const verdict = await this.checker.check(raw, { signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp') });
    if (!verdict.ok) {
      this.logger.warn(`refused a request to ${SLACK_EVENTS_PATH}: ${verdict.reason}`);
      return HTTPModuleFunctions.buildNoBodyResponse(res, 401);
    }
    let body;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered) as Record<string, unknown>;
    } catch {
      return HTTPModuleFunctions.buildNoBodyResponse(res, 400);
    }
    if (body.ssl_check === '1') return HTTPModuleFunctions.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
    if (!this.app) return HTTPModuleFunctions.buildNoBodyResponse(res, 503);
    const ack = new HTTPResponseAck({ logger: this.logger, processBeforeResponse: false, httpRequest: buffered, httpRequestBody: body, httpResponse: res });
    await this.app.processEvent({
      body,
      ack: ack.bind(),
      retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
      retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
    });
  }
}
