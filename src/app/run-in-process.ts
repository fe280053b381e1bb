// Runs a job in this process as the queue would: attempt after attempt, with a pause between,
// until the run ends or the signal interrupts it. For `runnerbot provision|...` from a terminal,
// where no worker is involved.
import { asRunnerbotError, isRunnerbotError, type RunnerbotError } from '../core/errors.ts';
import type { RunnerLock } from '../core/ports.ts';
import type { RunRecord } from '../core/run.ts';
import { runJob, type RunJobDeps } from './run-job.ts';

export interface RetryPolicy {
  attempts: number;
  /** How long to wait after failed attempt number `attempt` (1-based). */
  delayMs(attempt: number): number;
}

export interface InProcessInput {
  runId: string;
  lock: RunnerLock;
  /** Aborted to stop: the current step finishes and the run waits at its checkpoint. */
  signal: AbortSignal;
  /** Hears each transient error an attempt ended with, before the pause. */
  onRetry?: (error: RunnerbotError) => void;
}

export type InProcessOutcome =
  | { kind: 'finished'; run: RunRecord; attempts: number }
  | { kind: 'failed'; error: RunnerbotError; attempts: number }
  | { kind: 'interrupted'; attempts: number };

export async function runInProcess(
  deps: RunJobDeps,
  input: InProcessInput,
  retry: RetryPolicy,
): Promise<InProcessOutcome> {
  const { runId, lock, signal } = input;
  for (let attempt = 1; ; attempt++) {
    try {
      const run = await runJob(deps, { runId, lock, signal, finalAttempt: attempt >= retry.attempts });
      return { kind: 'finished', run, attempts: attempt };
    } catch (thrown) {
      if (!isRunnerbotError(thrown) || !thrown.transient)
        return { kind: 'failed', error: asRunnerbotError(thrown), attempts: attempt };
      if (signal.aborted) return { kind: 'interrupted', attempts: attempt };
      input.onRetry?.(thrown);
      await deps.clock.sleep(retry.delayMs(attempt), signal).catch(() => undefined);
      if (signal.aborted) return { kind: 'interrupted', attempts: attempt };
    }
  }
}
