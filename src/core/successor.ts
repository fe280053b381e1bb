// A rebuild's successor: the new VM and GitLab runner that a replace-then-retire rebuild makes
// before it retires the old ones. Until it takes over, it carries NAME.next as its Proxmox name and
// GitLab description: a runner name is an RFC 1123 label (no dot), so this can never be the name
// of a runner of its own, and find-vm, delete-runner and `list` never mistake it for NAME.
import { replacesFirst, retireStart } from './plan.ts';
import type { RunRecord } from './run.ts';

const SUFFIX = '.next';

export const successorName = (name: string): string => `${name}${SUFFIX}`;

/** Whether a VM name or GitLab description is a rebuild's successor (NAME.next). */
export const isSuccessorName = (name: string): boolean => name.endsWith(SUFFIX);

/**
 * For a replace-then-retire rebuild that failed: which runner serves now, in one plain sentence
 * (callers escape it for Slack). Null for any other run.
 */
export function failedRebuildNote(run: RunRecord): string | null {
  if (run.status !== 'failed' || !replacesFirst(run.plan)) return null;
  const failedAt = run.error?.step === undefined ? run.checkpoint : run.plan.indexOf(run.error.step);
  const next = successorName(run.runner);
  if (failedAt >= retireStart(run.plan))
    return `The successor ${next} was built and verified and stays; the old ${run.runner} may be paused or partly removed. Request the rebuild again to finish it: it reuses the successor.`;
  const { vmid, runnerId } = run.outputs.successor ?? {};
  const leftover = [vmid !== undefined && `VM ${vmid}`, runnerId !== undefined && `GitLab runner #${runnerId}`];
  const kept = leftover.filter((x): x is string => typeof x === 'string');
  const fate = kept.length ? `its successor ${next} is left behind (${kept.join(', ')})` : `its successor was removed`;
  return `${run.runner} keeps serving, untouched: the rebuild failed before the old runner was paused, and ${fate}.`;
}
