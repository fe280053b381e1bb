// The Redis-backed stores every process shares, built once per process.
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { createRedisApprovalStore } from '../jobs/redis-approval-store.ts';
import { createRedisAuditLog } from '../jobs/redis-audit-log.ts';
import { createRedisCoordination } from '../jobs/redis-coordination.ts';
import { createRedisFleet } from '../jobs/redis-fleet.ts';
import { createRedisPoolStore } from '../jobs/redis-pool-store.ts';
import { createRedisRunStore } from '../jobs/redis-run-store.ts';
import { createRunQueue } from '../jobs/run-queue.ts';

export function buildStores(redis: Redis, config: Config) {
  const { prefix, url } = config.redis;
  return {
    runs: createRedisRunStore(redis, prefix),
    approvals: createRedisApprovalStore(redis, prefix),
    audit: createRedisAuditLog(redis, prefix),
    fleet: createRedisFleet(redis, prefix),
    pools: createRedisPoolStore(redis, prefix),
    coordination: createRedisCoordination(redis, prefix, { clonesPerNode: config.worker.clonesPerNode }),
    queue: createRunQueue({ redis: { url }, prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs }),
  };
}

export type Stores = ReturnType<typeof buildStores>;
