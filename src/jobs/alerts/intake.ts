// The durable intake: one XADD per accepted notification. Give it a connection without an offline
// queue (`createProducerRedis`), so a Redis outage fails the request at once and Alertmanager retries.
// The notifications of one turn of the event loop (a storm brings dozens) leave in one pipeline,
// one write and one WAIT instead of one of each per request: each write is a system call that
// competes with the acks on the same loop.
import type { Redis } from 'ioredis';
import type { AlertmanagerPayload } from '../../core/alerts/payload.ts';
import type { AlertIntake } from '../../core/alerts/ports.ts';
import { alertKeys } from './keys.ts';
import { NO_REPLICA_ACK, replicasHolding, type ReplicaAck } from '../replica-ack.ts';

interface Pending {
  entry: string;
  resolve(): void;
  reject(error: unknown): void;
}

/** With `ack.replicas`, a notification counts as accepted (202) only once that many replicas hold it. */
export function createRedisAlertIntake(redis: Redis, prefix: string, ack: ReplicaAck = NO_REPLICA_ACK): AlertIntake {
  const stream = alertKeys(prefix).intake;
  let batch: Pending[] = [];

  async function write(pending: Pending[]): Promise<void> {
    const pipeline = redis.pipeline();
    for (const { entry } of pending) pipeline.xadd(stream, '*', 'p', entry);
    const results = (await pipeline.exec()) ?? [];
    const written = pending.filter((p, i) => {
      const error = results[i]?.[0] ?? (results[i] ? null : new Error('no reply to XADD'));
      if (error) p.reject(error);
      return !error;
    });
    if (written.length === 0) return;
    // A re-sent notification is harmless: the forwarder keeps one message per alert group.
    const held = await replicasHolding(redis, stream, ack);
    if (held < ack.replicas)
      throw new Error(
        `only ${held} of ${ack.replicas} Redis replicas confirmed the notification within ${ack.timeoutMs} ms`,
      );
    for (const p of written) p.resolve();
  }

  function flush(): void {
    const pending = batch;
    batch = [];
    write(pending).catch((error: unknown) => {
      for (const p of pending) p.reject(error);
    });
  }

  return {
    enqueue(payload: AlertmanagerPayload) {
      return new Promise<void>((resolve, reject) => {
        if (batch.length === 0) setImmediate(flush);
        batch.push({ entry: JSON.stringify(payload), resolve, reject });
      });
    },
  };
}
