// Bolt's Socket Mode transport (the default): one outbound WebSocket, opened with the app token.
// `apiUrl` points apps.connections.open at the simulator in tests and the sandbox.
import { LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import { proxyDispatcher, type OutboundProxy } from '../../outbound-proxy.ts';
import { frameProblem } from './socket-frame.ts';

type Listener = (...args: unknown[]) => unknown;

export function createSocketReceiver(options: {
  appToken: string;
  apiUrl?: string;
  logger: BoltLogger;
  /** The WebSocket and apps.connections.open go through it. */
  proxy?: OutboundProxy;
}): SocketModeReceiver {
  const clientOptions = options.apiUrl ? { slackApiUrl: options.apiUrl } : {};
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.logger,
    logLevel: LogLevel.INFO,
    installerOptions: { clientOptions },
    ...(options.proxy ? { dispatcher: proxyDispatcher(options.proxy) } : {}),
  });
  guardFrames(receiver, options.logger);
  return receiver;
}

/**
 * The Socket Mode client reads `event.type` of whatever JSON arrives, in async listeners whose
 * rejections nobody handles: the frame `null` ended the process. Malformed frames are logged and
 * dropped before the client sees them, and any listener's failure is logged, never left unhandled.
 */
function guardFrames(receiver: SocketModeReceiver, logger: BoltLogger): void {
  const { client } = receiver;
  for (const event of ['ws_message', 'slack_event']) {
    const listeners = client.listeners(event) as Listener[];
    client.removeAllListeners(event);
    client.on(event, (...args: unknown[]) => {
      if (event === 'ws_message') {
        const problem = frameProblem(args[0], args[1] === true);
        if (problem) return logger.warn(`dropped a malformed Socket Mode frame: ${problem}`);
      }
      for (const listener of listeners) {
        Promise.resolve()
          .then(() => listener(...args))
          .catch((error: unknown) =>
            logger.error(
              `a Socket Mode frame could not be handled: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
      }
    });
  }
}
