// Slack delivers a command or click again when it thinks the app did not answer (HTTP retries
// with X-Slack-Retry-Num, Socket Mode redeliveries). Each carries the same trigger_id; the first
// delivery claims it in Redis, so across every replica only one of them does any work.
import type { Redis } from 'ioredis';

/** Longer than Slack's whole retry schedule (about 5 minutes). */
const REMEMBER_SECONDS = 15 * 60;

export interface DeliveryDedupe {
  /** True for the first delivery of this trigger id, false for every repeat. */
  claim(triggerId: string): Promise<boolean>;
}

export function createDeliveryDedupe(redis: Redis, prefix: string): DeliveryDedupe {
  return {
    async claim(triggerId) {
      const set = await redis.set(`${prefix}:slack:trigger:${triggerId}`, '1', 'EX', REMEMBER_SECONDS, 'NX');
      return set === 'OK';
    },
  };
}
