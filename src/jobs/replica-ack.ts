// "Accepted" means a replica holds it too: after a write that runnerbot acknowledges (a queued
// run, an accepted Alertmanager notification), WAIT until `replicas` replicas confirm it, so a
// failover to one of them cannot lose it. WAIT covers every earlier write of the primary too: the
// replication stream is one ordered log.
import type { Redis } from 'ioredis';
import type { RedisConfig } from '../redis-config-schema.ts';

export interface ReplicaAck {
  /** 0: acknowledge at once (one Redis, or a managed Redis that replicates on its own terms). */
  replicas: number;
  timeoutMs: number;
}

export const NO_REPLICA_ACK: ReplicaAck = { replicas: 0, timeoutMs: 0 };

export const replicaAckOf = (redis: Pick<RedisConfig, 'replicasToAck' | 'replicaAckTimeoutMs'>): ReplicaAck => ({
  replicas: redis.replicasToAck,
  timeoutMs: redis.replicaAckTimeoutMs,
});

/**
 * How many replicas confirmed every write this connection made to the primary of `key`. On a
 * Cluster, the pipeline goes to that key's primary, on the connection that made the write.
 */
export async function replicasHolding(redis: Redis, key: string, ack: ReplicaAck): Promise<number> {
  if (ack.replicas === 0) return 0;
  const results = await redis.pipeline().exists(key).wait(ack.replicas, ack.timeoutMs).exec();
  const [error, count] = results?.[1] ?? [new Error('no reply to WAIT'), 0];
  if (error) throw error;
  return Number(count);
}
