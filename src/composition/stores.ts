// The Redis-backed stores every process shares, built once per process.
import type { Redis } from 'ioredis';
import type { LoadedConfig } from '../config.ts';
import { createRedisApprovalStore } from '../jobs/redis-approval-store.ts';
import { createRedisAuditLog } from '../jobs/redis-audit-log.ts';
import { createRedisCoordination } from '../jobs/redis-coordination.ts';
import { createRedisFleet } from '../jobs/redis-fleet.ts';
import { takeLease } from '../jobs/lease.ts';
import { redisKeys } from '../jobs/redis-keys.ts';
import { createRedisPoolStore } from '../jobs/redis-pool-store.ts';
import { createRedisRunStore } from '../jobs/redis-run-store.ts';
import { replicaAckOf } from '../jobs/replica-ack.ts';
import { createRunQueue } from '../jobs/run-queue.ts';
import { requeueStrandedRuns } from '../jobs/stranded-runs.ts';
import { redisEndpoint } from '../redis-endpoint.ts';

export function buildStores(redis: Redis, { config, secrets }: Pick<LoadedConfig, 'config' | 'secrets'>) {
  const { prefix } = config.redis;
  const endpoint = redisEndpoint(config.redis, secrets);
  const queue = createRunQueue({
    redis: endpoint,
    prefix,
    replicaAck: replicaAckOf(config.redis),
    attempts: config.worker.attempts,
    backoffMs: config.worker.backoffMs,
  });
  return {
    /** For the connections a component opens of its own (BullMQ workers, blocking reads). */
    redisEndpoint: endpoint,
    runs: createRedisRunStore(redis, prefix),
    approvals: createRedisApprovalStore(redis, prefix),
    audit: createRedisAuditLog(redis, prefix),
    fleet: createRedisFleet(redis, prefix),
    pools: createRedisPoolStore(redis, prefix),
    coordination: createRedisCoordination(redis, prefix, { clonesPerNode: config.worker.clonesPerNode }),
    queue,
    /** The rotation schedule's lease (see composition/rotation-schedule.ts). */
    rotationLease: (holder: string, ttlMs: number) => takeLease(redis, redisKeys(prefix).rotationLease, holder, ttlMs),
    /** Enqueues the requests a crashed bot left without a job (see jobs/stranded-runs.ts). */
    requeueStranded: (now: () => number) =>
      requeueStrandedRuns(redis, prefix, queue, { graceMs: config.worker.strandedAfterSeconds * 1000, now }),
  };
}

export type Stores = ReturnType<typeof buildStores>;
