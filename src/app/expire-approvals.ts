// Marks approvals whose time ran out: the run ends as expired and its card says so.
import type { ApprovalStore, AuditLog, Clock, Notifier, RunStore } from '../core/ports.ts';

export interface ExpireApprovalsDeps {
  runs: RunStore;
  approvals: ApprovalStore;
  audit: AuditLog;
  notifier: Notifier;
  clock: Clock;
}

/** Returns how many approvals it expired. Safe to run in every process at once. */
export async function expireApprovals(deps: ExpireApprovalsDeps): Promise<number> {
  const now = deps.clock.now();
  let count = 0;
  for (const approval of await deps.approvals.expired(now)) {
    if (!(await deps.approvals.decide(approval.runId, 'expired', 'runnerbot', now))) continue;
    const run = await deps.runs.finish(approval.runId, 'expired', { finishedAt: now });
    await deps.audit.append({ type: 'approval', runId: run.id, runner: run.runner, detail: { decision: 'expired' } });
    await deps.notifier.notify({ type: 'approval-decided', run, decision: 'expired', by: 'runnerbot' });
    count++;
  }
  return count;
}
