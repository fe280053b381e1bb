// A job BullMQ ended without the run having ended it (an error outside the plan on the last
// attempt): the run is closed like any failed run (close-failed-run.ts).
import { FINAL_STATUSES, type RunRecord } from '../core/run.ts';
import { closeFailedRun, type CloseFailedRunDeps } from './close-failed-run.ts';

export type FailAbandonedRunDeps = CloseFailedRunDeps;

export async function failAbandonedRun(
  deps: FailAbandonedRunDeps,
  runId: string,
  reason: string,
): Promise<RunRecord | null> {
  const run = await deps.runs.get(runId);
  if (!run || FINAL_STATUSES.includes(run.status)) return null;
  return closeFailedRun(deps, run, { code: 'STEP.UNRECOVERABLE', message: reason }, {}, new AbortController().signal);
}
