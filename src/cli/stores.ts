// The Redis-backed stores every process shares, built once per process.
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { createRedisApprovalStore } from '../jobs/redis-approval-store.ts';
import { createRedisAuditLog } from '../jobs/redis-audit-log.ts';
import { createRedisCoordination } from '../jobs/redis-coordination.ts';
import { createRedisFleet } from '../jobs/redis-fleet.ts';
import { createRedisRunStore } from '../jobs/redis-run-store.ts';
import { createRunQueue } from '../jobs/run-queue.ts';
import { requeueStrandedRuns } from '../jobs/stranded-runs.ts';

export function buildStores(redis: Redis, config: Config) {
  const { prefix, url } = config.redis;
  const queue = createRunQueue({ redis: { url }, prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs });
  return {
    runs: createRedisRunStore(redis, prefix),
    approvals: createRedisApprovalStore(redis, prefix),
    audit: createRedisAuditLog(redis, prefix),
    fleet: createRedisFleet(redis, prefix),
    coordination: createRedisCoordination(redis, prefix, { clonesPerNode: config.worker.clonesPerNode }),
    queue,
    /** Enqueues the requests a crashed bot left without a job (see jobs/stranded-runs.ts). */
    requeueStranded: (now: () => number) =>
      requeueStrandedRuns(redis, prefix, queue, { graceMs: config.worker.strandedAfterSeconds * 1000, now }),
  };
}

export type Stores = ReturnType<typeof buildStores>;
