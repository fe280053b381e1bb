// startSlackSim: a Slack workspace on 127.0.0.1 — the Web API at /api/<method>, response_urls,
// Socket Mode, the user's side (commands, clicks, App Home) and a read API for tests and pages.
import type { AddressInfo } from 'node:net';
import { Faults } from '../faults.ts';
import { AppClient, type CommandResult, type Transport } from './app-client.ts';
import type { DeliveryResult, HttpRequestRecord } from './delivery.ts';
import {
  DEFAULT_CONVERSATIONS_READ,
  DEFAULT_POST_MESSAGE,
  DEFAULT_SCOPES,
  DEFAULT_UPDATE,
  secret,
  type RateLimitOptions,
  type SlackSimOptions,
} from './options.ts';
import type { BlockActionInput, SlashCommandInput } from './payloads.ts';
import { RateLimiter } from './rate-limit.ts';
import { ResponseUrls } from './response-url.ts';
import { createSimServer } from './server.ts';
import type { SignOverride } from './signing.ts';
import { SocketModeServer } from './socket-mode.ts';
import type { ReceivedEntry, SimEphemeral, SimHomeView, SimMessage } from './types.ts';
import type { TokenGrant, WebApiLimits } from './web-api.ts';
import { Workspace } from './workspace.ts';

export type { SlackSimOptions } from './options.ts';
export type * from './types.ts';
export type { DeliveryResult, CommandResult, SlashCommandInput, BlockActionInput, SignOverride, HttpRequestRecord };

export interface SlackSim {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Give this to WebClient / Bolt as `slackApiUrl` (ends with a slash). */
  apiUrl: string;
  botToken: string;
  appToken: string;
  signingSecret: string;
  teamId: string;
  botUserId: string;
  botId: string;
  appId: string;
  faults: Faults;
  workspace: Workspace;
  /** Everything the app sent the simulator (Web API args, response_url bodies, ack bodies). */
  received: ReceivedEntry[];
  receivedText(): string;
  channel(id: string): { messages(): SimMessage[]; all(): SimMessage[] };
  thread(channel: string, ts: string): SimMessage[];
  ephemerals(userId: string): SimEphemeral[];
  homeView(userId: string): SimHomeView | undefined;
  setRequestUrl(url: string): void;
  setTransport(transport: Transport): void;
  setRateLimits(limits: false | RateLimitOptions): void;
  sendSlashCommand(input: SlashCommandInput, sign?: SignOverride): Promise<CommandResult>;
  sendBlockAction(input: BlockActionInput, sign?: SignOverride): Promise<CommandResult>;
  openAppHome(userId: string, sign?: SignOverride): Promise<DeliveryResult>;
  replay(request: HttpRequestRecord): Promise<DeliveryResult>;
  socket: Pick<SocketModeServer, 'connections' | 'waitForConnection' | 'requestReconnect' | 'sendMalformed'>;
  close(): Promise<void>;
}

function limiters(opts: false | RateLimitOptions | undefined, now: () => number): WebApiLimits {
  if (opts === false) return {};
  return {
    postMessagePerChannel: new RateLimiter(opts?.postMessagePerChannel ?? DEFAULT_POST_MESSAGE, now),
    update: new RateLimiter(opts?.update ?? DEFAULT_UPDATE, now),
    conversationsRead: new RateLimiter(opts?.conversationsRead ?? DEFAULT_CONVERSATIONS_READ, now),
  };
}

export async function startSlackSim(options: SlackSimOptions = {}): Promise<SlackSim> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const bot = { userId: 'U0BOT00001', botId: 'B0BOT00001', appId: 'A0SIM00001', name: 'runnerbot', ...options.bot };
  const workspace = new Workspace(
    {
      teamId: options.team?.id ?? 'T0SIM00001',
      teamDomain: options.team?.domain ?? 'sim',
      botUserId: bot.userId,
      botId: bot.botId,
      appId: bot.appId,
      users: [{ id: bot.userId, name: bot.name, real_name: bot.name, is_bot: true }, ...(options.users ?? [])],
      usergroups: options.usergroups ?? [],
      channels: options.channels ?? [{ id: 'C0GENERAL1', name: 'general' }],
    },
    now,
  );
  const botToken = options.botToken ?? secret('xoxb-sim-');
  const appToken = options.appToken ?? secret('xapp-1-sim-');
  const signingSecret = options.signingSecret ?? secret('');
  const tokens = new Map<string, TokenGrant>([
    [botToken, { kind: 'bot', scopes: options.scopes ?? DEFAULT_SCOPES }],
    [appToken, { kind: 'app', scopes: ['connections:write'] }],
  ]);
  let limits = limiters(options.rateLimits, now);
  let baseUrl = '';
  const received: ReceivedEntry[] = [];
  const record = (entry: Omit<ReceivedEntry, 'at'>) => received.push({ at: now(), ...entry });
  const responseUrls = new ResponseUrls(workspace, () => baseUrl, now);
  const socket = new SocketModeServer(
    () => baseUrl.replace(/^http/, 'ws'),
    bot.appId,
    options.socketPingIntervalMs ?? 10_000,
  );
  const retries = { commands: false, actions: false, events: true, max: 3, delayMs: 10, ...options.retries };
  const policy = (enabled: boolean) => ({
    ackTimeoutMs: options.ackTimeoutMs ?? 3000,
    retries: enabled ? retries.max : 0,
    retryDelayMs: retries.delayMs,
  });
  const client = new AppClient(
    workspace,
    responseUrls,
    socket,
    {
      transport: options.transport ?? 'socket',
      signingSecret,
      ...(options.requestUrl ? { requestUrl: options.requestUrl } : {}),
      policy: { command: policy(retries.commands), action: policy(retries.actions), event: policy(retries.events) },
    },
    record,
  );
  const faults = options.faults ?? new Faults();
  const server = createSimServer({
    workspace,
    faults,
    tokens,
    limits: () => limits,
    responseUrls,
    socket,
    client,
    baseUrl: () => baseUrl,
    record,
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;

  const list = (id: string) => workspace.messages.get(id) ?? [];
  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    botToken,
    appToken,
    signingSecret,
    teamId: workspace.seed.teamId,
    botUserId: bot.userId,
    botId: bot.botId,
    appId: bot.appId,
    faults,
    workspace,
    received,
    receivedText: () => JSON.stringify(received),
    channel: (id) => ({
      messages: () => list(id).filter((m) => !m.thread_ts || m.thread_ts === m.ts),
      all: () => [...list(id)],
    }),
    thread: (channel, ts) => list(channel).filter((m) => m.ts === ts || m.thread_ts === ts),
    ephemerals: (userId) => workspace.ephemerals.filter((e) => e.user === userId && !e.deleted),
    homeView: (userId) => workspace.views.get(userId),
    setRequestUrl: (url) => {
      client.config.requestUrl = url;
    },
    setTransport: (transport) => {
      client.config.transport = transport;
    },
    setRateLimits: (next) => {
      limits = limiters(next, now);
    },
    sendSlashCommand: (input, sign) => client.sendSlashCommand(input, sign),
    sendBlockAction: (input, sign) => client.sendBlockAction(input, sign),
    openAppHome: (userId, sign) => client.openAppHome(userId, sign),
    replay: (request) => client.replay(request),
    socket: {
      connections: () => socket.connections(),
      waitForConnection: (ms) => socket.waitForConnection(ms),
      requestReconnect: (reason) => socket.requestReconnect(reason),
      sendMalformed: (kind) => socket.sendMalformed(kind),
    },
    close: async () => {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
