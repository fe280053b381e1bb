// A job BullMQ ended without the run having ended it (an error outside the plan on the last
// attempt): the run still gets what any failed run gets — clean-up as configured, a final
// status, the closing `job-end` audit entry and its Slack summary.
import type { AuditLog, Clock, Notifier, RunStore } from '../core/ports.ts';
import { FINAL_STATUSES, type RunRecord } from '../core/run.ts';
import { cleanUpAfterFailure } from './clean-up.ts';
import type { StepDeps, StepRegistry } from './steps/step.ts';

export interface FailAbandonedRunDeps {
  runs: RunStore;
  steps: StepRegistry;
  stepDeps: StepDeps;
  notifier: Notifier;
  audit: AuditLog;
  clock: Clock;
}

export async function failAbandonedRun(
  deps: FailAbandonedRunDeps,
  runId: string,
  reason: string,
): Promise<RunRecord | null> {
  const run = await deps.runs.get(runId);
  if (!run || FINAL_STATUSES.includes(run.status)) return null;
  const step = run.plan[run.checkpoint];
  const error = { code: 'STEP.UNRECOVERABLE', message: reason, ...(step ? { step } : {}) };
  const cleaned = await cleanUpAfterFailure(deps, run, {}, new AbortController().signal);
  const failed = await deps.runs.finish(run.id, 'failed', {
    error,
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
