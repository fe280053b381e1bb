// The durable intake: one XADD per accepted notification. Give it a connection without an offline
// queue (`createProducerRedis`), so a Redis outage fails the request at once and Alertmanager retries.
import type { Redis } from 'ioredis';
import type { AlertmanagerPayload } from '../../core/alerts/payload.ts';
import type { AlertIntake } from '../../core/alerts/ports.ts';
import { alertKeys } from './keys.ts';
import { NO_REPLICA_ACK, replicasHolding, type ReplicaAck } from '../replica-ack.ts';

/** With `ack.replicas`, a notification counts as accepted (202) only once that many replicas hold it. */
export function createRedisAlertIntake(redis: Redis, prefix: string, ack: ReplicaAck = NO_REPLICA_ACK): AlertIntake {
  const stream = alertKeys(prefix).intake;
  return {
    async enqueue(payload: AlertmanagerPayload) {
      await redis.xadd(stream, '*', 'p', JSON.stringify(payload));
      const held = await replicasHolding(redis, stream, ack);
      // A re-sent notification is harmless: the forwarder keeps one message per alert group.
      if (held < ack.replicas)
        throw new Error(
          `only ${held} of ${ack.replicas} Redis replicas confirmed the notification within ${ack.timeoutMs} ms`,
        );
    },
  };
}
