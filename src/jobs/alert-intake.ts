// The durable intake: one XADD per accepted notification. Give it a connection without an offline
// queue (`createProducerRedis`), so a Redis outage fails the request at once and Alertmanager retries.
import type { Redis } from 'ioredis';
import type { AlertmanagerPayload } from '../core/alert-payload.ts';
import type { AlertIntake } from '../core/alert-ports.ts';
import { alertKeys } from './alert-keys.ts';

export function createRedisAlertIntake(redis: Redis, prefix: string): AlertIntake {
  const stream = alertKeys(prefix).intake;
  return {
    async enqueue(payload: AlertmanagerPayload) {
      await redis.xadd(stream, '*', 'p', JSON.stringify(payload));
    },
  };
}
