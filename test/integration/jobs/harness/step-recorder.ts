// A test run processor with idempotent steps: each step checks whether its effect is recorded in
// Redis, and if not, sleeps (the "work") and then records it with the applying process' pid.
// Loaded by worker processes through `processorModule`, or called in-process.
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { permanent, transient } from '../../../../src/core/errors.ts';
import type { RunRecord } from '../../../../src/core/run.ts';
import type { StepName } from '../../../../src/core/plan.ts';
import { createRedisRunStore } from '../../../../src/jobs/redis-run-store.ts';
import { runRecord } from '../../../support/run-record.ts';
import type { ProcessorFactory } from './worker-config.ts';

export const STEP_RECORDER_MODULE = fileURLToPath(import.meta.url);

export const effectCountsKey = (prefix: string, runId: string) => `${prefix}:test-effects:${runId}`;
export const appliedByKey = (prefix: string, runId: string) => `${prefix}:test-applied-by:${runId}`;

export const createProcessor: ProcessorFactory = ({ redis, prefix, options, emit }) => {
  const runs = createRedisRunStore(redis, prefix);
  const stepMs = Number(options.stepMs ?? 10);
  return async ({ runId, lock, signal }) => {
    let run = await runs.get(runId);
    if (!run) throw permanent('RUN.NOT_FOUND', `no run ${runId}`);
    if (run.status === 'queued') run = await runs.update(runId, { status: 'running', startedAt: Date.now() });
    while (run.checkpoint < run.plan.length) {
      if (signal.aborted) throw transient('STEP.TRANSIENT', 'worker is shutting down');
      const step = run.plan[run.checkpoint]!;
      await lock.assert();
      emit('step-started', { runId, step, fencingToken: lock.fencingToken });
      if (!(await redis.hexists(effectCountsKey(prefix, runId), step))) {
        await sleep(stepMs);
        await redis
          .multi()
          .hincrby(effectCountsKey(prefix, runId), step, 1)
          .hset(appliedByKey(prefix, runId), step, process.pid)
          .exec();
      }
      run = await runs.update(runId, { checkpoint: run.checkpoint + 1 });
      emit('step-finished', { runId, step });
    }
    await runs.finish(runId, 'succeeded');
    emit('run-finished', { runId });
  };
};

/** A queued run of `plan` for the recording steps. */
export function queuedRun(id: string, runner: string, plan: StepName[], now = Date.now()): RunRecord {
  return runRecord({
    id,
    runner,
    plan,
    requester: { userId: 'U0TEST', via: 'cli' },
    createdAt: now,
    updatedAt: now,
    spec: {
      profile: 'default',
      tags: ['docker'],
      concurrency: 2,
      defaultImage: 'alpine:3',
      allowedPullPolicies: ['if-not-present'],
    },
  });
}
