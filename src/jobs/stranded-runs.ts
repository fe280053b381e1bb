// The sweeper of stranded requests. A request writes the run record, then adds its job; a bot
// killed between the two used to leave a `queued` run that no worker would ever take and that
// held its runner name (every later request: RUNNER.BUSY). Any process may sweep: a `queued` run
// older than the grace period with no job in the queue is enqueued. Enqueueing is idempotent
// (job id = run id), so a sweep racing the request's own enqueue adds one job, not two.
import type { Redis } from 'ioredis';
import type { JobQueue } from '../core/ports.ts';
import { redisKeys } from './redis-keys.ts';

export interface StrandedRunsOptions {
  /** A queued run younger than this may still be on its way into the queue. */
  graceMs: number;
  now: () => number;
  /** How far back the sweep looks (the recent-runs index). */
  lookBackMs?: number;
}

export interface JobLookup {
  /** Whether the queue holds a job (in any state) for this run. */
  hasJob(runId: string): Promise<boolean>;
}

const WEEK_MS = 7 * 24 * 3600_000;

/** Enqueues every stranded run; returns their ids. */
export async function requeueStrandedRuns(
  redis: Redis,
  prefix: string,
  queue: JobQueue & JobLookup,
  options: StrandedRunsOptions,
): Promise<string[]> {
  const keys = redisKeys(prefix);
  const now = options.now();
  const ids = await redis.zrangebyscore(keys.recentRuns, now - (options.lookBackMs ?? WEEK_MS), now - options.graceMs);
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hmget(keys.run(id), 'status', 'updatedAt');
  const replies = (await pipeline.exec()) ?? [];
  const requeued: string[] = [];
  for (const [i, [, fields]] of replies.entries()) {
    const [status, updatedAt] = (fields ?? []) as (string | null)[];
    if (status !== '"queued"' || Number(updatedAt) > now - options.graceMs) continue;
    const runId = ids[i]!;
    if (await queue.hasJob(runId)) continue;
    await queue.enqueueRun(runId);
    requeued.push(runId);
  }
  return requeued;
}
