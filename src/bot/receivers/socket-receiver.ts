// Bolt's Socket Mode transport (the default): one outbound WebSocket, opened with the app token.
// `apiUrl` points apps.connections.open at the simulator in tests and the sandbox.
import { LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';

export function createSocketReceiver(options: { appToken: string; apiUrl?: string; logger: BoltLogger }): SocketModeReceiver {
  const clientOptions = options.apiUrl ? { slackApiUrl: options.apiUrl } : {};
  return new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.logger,
    logLevel: LogLevel.INFO,
    installerOptions: { clientOptions },
  });
}
