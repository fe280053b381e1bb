// The Bolt app: one of two transports (Socket Mode by default, or HTTP on our own server's
// /slack/events), runnerbot's listeners, and action handlers other parts of the composition
// root add (the alerts' Silence and Rebuild buttons).
import { App, type Middleware, type SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Route } from '../http/server.ts';
import { fetchOption, type OutboundProxy } from '../outbound-proxy.ts';
import { createAfterAck } from './after-ack.ts';
import { boltLogger } from './bolt-logger.ts';
import type { BotDeps } from './bot-deps.ts';
import { registerApproval } from './listeners/approval.ts';
import { registerAppHome } from './listeners/app-home.ts';
import { registerCommand } from './listeners/command.ts';
import { registerRunActions } from './listeners/run-actions.ts';
import { RefusedAfterAck, SlackHttpReceiver } from './receivers/http-receiver.ts';
import { createRequestChecker } from './receivers/request-check.ts';
import { createSocketReceiver } from './receivers/socket-receiver.ts';

export interface ExtraAction {
  actionId: string | RegExp;
  handler: Middleware<SlackActionMiddlewareArgs>;
}

export type SlackTransport =
  { mode: 'socket'; appToken: string } | { mode: 'http'; signingSecret: string; redis: Redis; prefix: string };

export interface BoltAppOptions {
  botToken: string;
  transport: SlackTransport;
  /** `slack.apiUrl`: the Web API base (tests and the sandbox), for every call and for apps.connections.open. */
  apiUrl?: string;
  /** The outbound proxy (HTTPS_PROXY and friends) for Web API calls and the Socket Mode WebSocket. */
  proxy?: OutboundProxy;
  deps: BotDeps;
  extraActions?: ExtraAction[];
}

export interface BoltApp {
  name: string;
  app: App;
  /** POST /slack/events in HTTP mode; none in Socket Mode. */
  routes: Route[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBoltApp(options: BoltAppOptions): BoltApp {
  const { transport, deps } = options;
  const logger = boltLogger(deps.logger);
  const receiver =
    transport.mode === 'socket'
      ? createSocketReceiver({
          appToken: transport.appToken,
          logger,
          ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
          ...(options.proxy ? { proxy: options.proxy } : {}),
        })
      : new SlackHttpReceiver(
          createRequestChecker({
            signingSecret: transport.signingSecret,
            redis: transport.redis,
            prefix: transport.prefix,
          }),
          logger,
        );
  const app = new App({
    token: options.botToken,
    receiver,
    logger,
    // Bolt's default conversation store answers every delivery with a thrown "not found" in
    // memory of one replica; runnerbot keeps no conversation state.
    convoStore: false,
    clientOptions: { ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}), ...fetchOption(options.proxy) },
  });
  app.error(async (error) => {
    if (error instanceof RefusedAfterAck) return; // logged by the receiver
    deps.logger.error({ err: error }, 'a Slack listener failed');
  });
  const afterAck = createAfterAck(deps.logger);
  registerCommand(app, deps, afterAck);
  registerApproval(app, deps);
  registerRunActions(app, deps);
  registerAppHome(app, deps);
  for (const extra of options.extraActions ?? []) app.action(extra.actionId, extra.handler);

  return {
    name: 'slack',
    app,
    routes: receiver instanceof SlackHttpReceiver ? [receiver.route()] : [],
    start: async () => {
      await app.start();
    },
    stop: async () => {
      await app.stop();
      await afterAck.idle();
    },
  };
}
