// What a worker does with one `runner-jobs` job: take the runner's lock, run the run processor,
// and translate its outcome into BullMQ's terms.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isRunnerbotError } from '../core/errors.ts';
import type { RunStore, RunnerLock } from '../core/ports.ts';
import { FINAL_STATUSES } from '../core/run.ts';
import type { RunJobData } from './run-queue.ts';
import { acquireRunnerLock } from './runner-lock.ts';

export interface RunProcessorInput {
  runId: string;
  lock: RunnerLock;
  /** Aborted when this worker shuts down: finish the current step, then throw a transient error. */
  signal: AbortSignal;
  /** No retry follows this attempt. */
  finalAttempt: boolean;
}

/** `runJob` bound to its dependencies. */
export type RunProcessor = (input: RunProcessorInput) => Promise<unknown>;

/** The run already ended (marked failed by the processor); BullMQ must not retry it. */
export class RunEndedError extends UnrecoverableError {}

export interface JobProcessorDeps {
  runs: Pick<RunStore, 'get'>;
  processor: RunProcessor;
  lockRedis: Redis;
  prefix: string;
  lockTtlMs: number;
  /** How long a job waits before trying again when another worker holds its runner's lock. */
  busyRetryMs: number;
  /** True once the worker is stopping: jobs go back to the queue instead of starting. */
  stopping: () => boolean;
  /** Called with each job's abort controller while it runs; the returned function forgets it. */
  track: (controller: AbortController) => () => void;
}

export function createJobProcessor(deps: JobProcessorDeps) {
  return async (job: Job<RunJobData>, token?: string): Promise<void> => {
    const { runId } = job.data;
    if (deps.stopping()) return backToQueue(job, token);
    const run = await deps.runs.get(runId);
    if (!run) throw new RunEndedError(`RUN.NOT_FOUND: run ${runId} does not exist`);
    if (FINAL_STATUSES.includes(run.status)) return;

    const lock = await acquireRunnerLock(deps.lockRedis, deps.prefix, run.runner, deps.lockTtlMs);
    if (!lock) {
      await job.moveToDelayed(Date.now() + deps.busyRetryMs, token);
      throw new DelayedError(`${run.runner} is locked by another worker`);
    }
    const controller = new AbortController();
    const forget = deps.track(controller);
    try {
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await deps.processor({ runId, lock, signal: controller.signal, finalAttempt });
    } catch (error) {
      if (isRunnerbotError(error) && !error.transient) throw new RunEndedError(`${error.code}: ${error.message}`);
      if (controller.signal.aborted) {
        await lock.release().catch(() => undefined);
        // Awaited, so the job counts as running (track/forget) until it is back in the queue: a
        // stopping worker closes its Redis connection once nothing runs.
        return await backToQueue(job, token);
      }
      throw error;
    } finally {
      forget();
      await lock.release().catch(() => undefined);
    }
  };
}

/** Puts an active job back in the wait list without counting an attempt. */
async function backToQueue(job: Job<RunJobData>, token?: string): Promise<never> {
  await job.moveToWait(token);
  throw new DelayedError('worker stopping; the job went back to the queue');
}
