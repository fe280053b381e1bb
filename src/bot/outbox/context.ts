// What a lane's delivery needs: connections, limits and the lease it holds.
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Clock } from '../../core/ports.ts';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import type { OutboxKeys } from './keys.ts';

export interface PostedMessage {
  key: string;
  channel: string;
  ts: string;
}

export interface DeliveryContext {
  redis: Redis;
  keys: OutboxKeys;
  web: WebClient;
  clock: Clock;
  logger: Logger;
  metrics?: Pick<Metrics, 'slackCalls'>;
  scrub: <T>(content: T) => T;
  onPosted?: (posted: PostedMessage) => Promise<void> | void;
  /** Pause between two chat.postMessage calls in one channel. */
  postIntervalMs: number;
  /** The workspace-wide chat.update allowance (Tier 3). */
  updates: { perMinute: number; burst: number };
  /** Extends this process's lease on the lane; false when another process took it over. */
  renewLease: () => Promise<boolean>;
}

export type CallOutcome = 'ok' | 'rate_limited' | 'error' | 'dropped';

export const countCall = (ctx: DeliveryContext, method: string, outcome: CallOutcome): void => {
  ctx.metrics?.slackCalls.inc({ method, outcome });
};
