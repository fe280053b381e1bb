// Slack delivers a command or click again when it thinks the app did not answer (HTTP retries
// with X-Slack-Retry-Num, Socket Mode redeliveries). Each carries the same trigger_id; the first
// delivery claims it in Redis, so across every replica only one of them does any work.
import type { Redis } from 'ioredis';

/** Longer than Slack's whole retry schedule (about 5 minutes). */
const REMEMBER_SECONDS = 15 * 60;

/** Slack's trigger ids look like `13345224609.738474920.8088930838d88f008e0`. */
const TRIGGER_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface DeliveryDedupe {
  /**
   * True for the first delivery of this trigger id, false for every repeat. A delivery without a
   * usable trigger id cannot be told from another one, so it is always the first: otherwise the
   * first such command would make every later one vanish for 15 minutes.
   */
  claim(triggerId: string | undefined): Promise<boolean>;
}

export function createDeliveryDedupe(redis: Redis, prefix: string): DeliveryDedupe {
  return {
    async claim(triggerId) {
      if (typeof triggerId !== 'string' || !TRIGGER_ID.test(triggerId)) return true;
      const set = await redis.set(`${prefix}:slack:trigger:${triggerId}`, '1', 'EX', REMEMBER_SECONDS, 'NX');
      return set === 'OK';
    },
  };
}
