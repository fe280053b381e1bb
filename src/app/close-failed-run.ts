// What every run that fails for good gets, whoever ends it (its own job, or the worker that finds
// a job BullMQ gave up on): clean-up as configured, the final status with its error, the closing
// `job-end` audit entry and its summary.
import type { ErrorCode } from '../core/errors.ts';
import type { AuditLog, Clock, Notifier, RunStore } from '../core/ports.ts';
import type { RunRecord } from '../core/run.ts';
import { cleanUpAfterFailure } from './clean-up.ts';
import type { JobMemory, StepDeps, StepRegistry } from './steps/step.ts';

export interface CloseFailedRunDeps {
  runs: RunStore;
  steps: StepRegistry;
  stepDeps: StepDeps;
  notifier: Notifier;
  audit: AuditLog;
  clock: Clock;
}

/** `run` as saved before the failing step: its checkpoint names the step that failed. */
export async function closeFailedRun(
  deps: CloseFailedRunDeps,
  run: RunRecord,
  error: { code: ErrorCode; message: string },
  memory: JobMemory,
  signal: AbortSignal,
): Promise<RunRecord> {
  const step = run.plan[run.checkpoint];
  const cleaned = await cleanUpAfterFailure(deps, run, memory, signal);
  const failed = await deps.runs.finish(run.id, 'failed', {
    error: { ...error, ...(step ? { step } : {}) },
    finishedAt: deps.clock.now(),
    ...(cleaned ? { outputs: cleaned.outputs } : {}),
  });
  await deps.audit.append({
    type: 'job-end',
    runId: run.id,
    runner: run.runner,
    detail: { kind: run.kind, outcome: 'failed', step, code: error.code },
  });
  await deps.notifier.notify({ type: 'run-finished', run: failed });
  return failed;
}
