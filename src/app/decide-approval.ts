// A click on Approve or Deny: re-check the policy, move the approval atomically (one decision
// counts, however many clicks race), then enqueue the run once or close it.
import { quoteInput } from '../core/command-echo.ts';
import { decideApproval } from '../core/approval.ts';
import { err, ok, type Result } from '../core/errors.ts';
import type { ApprovalStore, AuditLog, Clock, Directory, JobQueue, Notifier, RunStore } from '../core/ports.ts';
import type { RunRecord } from '../core/run.ts';
import { enqueue } from './request-job.ts';

export interface DecideApprovalDeps {
  runs: RunStore;
  approvals: ApprovalStore;
  queue: JobQueue;
  audit: AuditLog;
  notifier: Notifier;
  directory: Directory;
  clock: Clock;
  approvers: string[];
}

export interface DecideApprovalInput {
  runId: string;
  userId: string;
  decision: 'approve' | 'deny';
}

export interface DecisionOutcome {
  run: RunRecord;
  decision: 'approved' | 'denied';
  by: string;
  withdrawn: boolean;
}

export async function decideApprovalForRun(
  deps: DecideApprovalDeps,
  input: DecideApprovalInput,
): Promise<Result<DecisionOutcome>> {
  const [approval, run] = await Promise.all([deps.approvals.get(input.runId), deps.runs.get(input.runId)]);
  if (!approval || !run)
    return err({
      code: 'RUN.NOT_FOUND',
      message: `there is no request ${quoteInput(input.runId)} waiting for approval`,
    });

  const now = deps.clock.now();
  const actor = { userId: input.userId, groups: await deps.directory.groupsOf(input.userId) };
  const verdict = decideApproval({
    approval: { ...approval, kind: run.kind },
    actor,
    approvers: deps.approvers,
    now,
    decision: input.decision,
  });
  if (!verdict.ok) return verdict;
  const { decision, by, withdrawn } = verdict.value;

  if (!(await deps.approvals.decide(run.id, decision, by, now))) {
    const current = await deps.approvals.get(run.id);
    const who = current?.decidedBy ? ` by <@${current.decidedBy}>` : '';
    return err({ code: 'APPROVAL.DECIDED', message: `this request was already ${current?.status ?? 'decided'}${who}` });
  }
  await deps.audit.append({
    type: 'approval',
    runId: run.id,
    runner: run.runner,
    actor: by,
    detail: { decision, withdrawn },
  });

  if (decision === 'denied') {
    const denied = await deps.runs.finish(run.id, 'denied', { finishedAt: now });
    await deps.notifier.notify({ type: 'approval-decided', run: denied, decision, by });
    return ok({ run: denied, decision, by, withdrawn });
  }
  const queued = await deps.runs.update(run.id, { status: 'queued' });
  await deps.notifier.notify({ type: 'approval-decided', run: queued, decision, by });
  const enqueued = await enqueue(deps, queued);
  if (!enqueued.ok) return enqueued;
  return ok({ run: queued, decision, by, withdrawn });
}
