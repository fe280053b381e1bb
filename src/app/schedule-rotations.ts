// The rotation schedule's one pass: every runner whose token is due (core/token-rotation.ts) gets
// a rotate-token run, requested like any other so it is audited (`via: schedule`, the reason
// saying why it was due) and announced in the runs channel, where its thread reports the result.
// Scheduled rotations need no approval: the configuration that asks for them was reviewed once.
// A runner with a run in progress is left for the next pass; one whose scheduled rotation failed
// is left alone for a day, so a broken runner is reported once a day rather than at every pass.
import { dueRotations, type DueRotation, type RotationPolicy } from '../core/token-rotation.ts';
import type { Requester } from '../core/run.ts';
import { requestJob, type RequestJobDeps } from './request-job.ts';

export interface ScheduleRotationsDeps extends RequestJobDeps {
  rotation: RotationPolicy;
  channel?: string;
}

export const SCHEDULE: Requester = { userId: 'schedule:token-rotation', via: 'schedule' };
const QUIET_AFTER_FAILURE_MS = 24 * 3600_000;

/** The rotations requested in this pass. */
export async function scheduleRotations(deps: ScheduleRotationsDeps): Promise<DueRotation[]> {
  const now = deps.clock.now();
  const requested: DueRotation[] = [];
  for (const due of dueRotations(await deps.fleet.list(), deps.rotation, now)) {
    if (await failedRecently(deps, due.runner, now)) continue;
    const outcome = await requestJob(deps, {
      command: { kind: 'rotate-token', name: due.runner, reason: `scheduled: ${due.why}`, dryRun: false },
      requester: SCHEDULE,
      ...(deps.channel ? { channel: deps.channel } : {}),
    });
    if (outcome.ok) requested.push(due);
  }
  return requested;
}

async function failedRecently(deps: ScheduleRotationsDeps, runner: string, now: number): Promise<boolean> {
  const [last] = await deps.runs.recent(1, runner);
  return (
    last !== undefined &&
    last.kind === 'rotate-token' &&
    last.status === 'failed' &&
    last.requester.via === 'schedule' &&
    now - (last.finishedAt ?? last.updatedAt) < QUIET_AFTER_FAILURE_MS
  );
}
