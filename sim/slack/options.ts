// startSlackSim's options and their defaults.
import { randomBytes } from 'node:crypto';
import type { Faults } from '../faults.ts';
import type { Transport } from './app-client.ts';
import type { BucketRule } from './rate-limit.ts';
import type { SimChannel, SimUser, SimUserGroup } from './types.ts';

export interface RateLimitOptions {
  /** chat.postMessage per channel; default 1 per second, burst 1, 50 ms grace for jitter. */
  postMessagePerChannel?: BucketRule;
  /** chat.update across the workspace (Tier 3, 50+ per minute); default 50/min, burst 50. */
  update?: BucketRule;
  /**
   * conversations.history and conversations.replies, each on its own, for the whole app: an app not
   * in the Marketplace may call each once a minute (vendor-behaviour.md 7). Default 1/min, burst 1.
   */
  conversationsRead?: BucketRule;
}

export interface RetryOptions {
  /** Which deliveries Slack sends again when unanswered. Slack retries events only; default so. */
  commands?: boolean;
  actions?: boolean;
  events?: boolean;
  /** Retries after the first attempt (Slack: 3). */
  max?: number;
  /** Pause before each retry, ms (Slack: ~immediately, 1 min, 5 min). Default 10. */
  delayMs?: number;
}

export interface SlackSimOptions {
  host?: string;
  port?: number;
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  /** The bot token's scopes; default: everything runnerbot's manifest asks for plus read scopes. */
  scopes?: string[];
  team?: { id?: string; domain?: string };
  bot?: { userId?: string; botId?: string; appId?: string; name?: string };
  users?: SimUser[];
  usergroups?: SimUserGroup[];
  channels?: SimChannel[];
  /** How the user's actions reach the app; default 'socket' (runnerbot's default receiver). */
  transport?: Transport;
  /** The app's request URL for the HTTP transport (or later: sim.setRequestUrl). */
  requestUrl?: string;
  /** false switches rate limiting off. */
  rateLimits?: false | RateLimitOptions;
  /** Time the app has to ack, ms (Slack: 3000). */
  ackTimeoutMs?: number;
  retries?: RetryOptions;
  socketPingIntervalMs?: number;
  faults?: Faults;
  now?: () => number;
}

export const DEFAULT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'usergroups:read',
  'users:read',
  'channels:read',
  'channels:history',
  'groups:read',
  'groups:history',
];

export const DEFAULT_POST_MESSAGE: BucketRule = { perSecond: 1, burst: 1, graceMs: 50 };
export const DEFAULT_UPDATE: BucketRule = { perSecond: 50 / 60, burst: 50 };
export const DEFAULT_CONVERSATIONS_READ: BucketRule = { perSecond: 1 / 60, burst: 1 };

export const secret = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;
