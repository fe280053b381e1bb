// A change command -> authorized, planned, recorded, announced, and either enqueued or waiting
// for a second person's approval. Refusals change nothing: no record, no job.
import { canRequest, expiresAt, needsApproval } from '../core/approval.ts';
import { err, ok, type Result } from '../core/errors.ts';
import type {
  ApprovalStore,
  AuditLog,
  Clock,
  Directory,
  Fleet,
  Ids,
  JobQueue,
  Notifier,
  Requester,
  RunStore,
  RunnerRegistry,
} from '../core/ports.ts';
import { ALL_RUNNERS } from '../core/plan.ts';
import type { RunOutputs, RunRecord } from '../core/run.ts';
import type { RequestPolicy } from './request-policy.ts';
import { resolveRequest, type ChangeCommand } from './resolve-request.ts';
import { refuseSpecChange } from './spec-change.ts';

export interface RequestJobDeps {
  runs: RunStore;
  approvals: ApprovalStore;
  queue: JobQueue;
  audit: AuditLog;
  notifier: Notifier;
  fleet: Fleet;
  directory: Directory;
  clock: Clock;
  ids: Ids;
  policy: RequestPolicy;
  /** When present, a rebuild or removal records the runner's last contact for the approval card. */
  registry?: Pick<RunnerRegistry, 'getRunner'>;
}

export interface RequestJobInput {
  command: ChangeCommand;
  requester: Requester;
  /** Where progress is reported; none for the CLI. */
  channel?: string;
}

export interface RequestOutcome {
  run: RunRecord;
  awaitingApproval: boolean;
}

export async function requestJob(deps: RequestJobDeps, input: RequestJobInput): Promise<Result<RequestOutcome>> {
  const { command, requester } = input;
  const allowed = await authorize(deps, requester);
  if (!allowed.ok) return allowed;
  const existing = await deps.fleet.get(command.name);
  const resolved = resolveRequest(deps.policy, command, existing);
  if (!resolved.ok) return resolved;
  if (command.kind === 'provision' && existing) {
    const unchanged = await refuseSpecChange(deps.runs, existing, resolved.value.spec);
    if (!unchanged.ok) return unchanged;
  }
  if (command.kind === 'rotate-token' && command.name === ALL_RUNNERS && (await deps.fleet.list()).length === 0)
    return err({ code: 'RUNNER.NOT_FOUND', message: 'runnerbot manages no runners yet: there is no token to rotate' });

  const now = deps.clock.now();
  const awaitingApproval = !isTrusted(requester) && needsApproval(command.kind, deps.policy.provisionNeedsApproval);
  const run: RunRecord = {
    id: deps.ids.runId(),
    kind: command.kind,
    runner: command.name,
    spec: resolved.value.spec,
    plan: resolved.value.plan,
    requester,
    status: awaitingApproval ? 'awaiting_approval' : 'queued',
    checkpoint: 0,
    outputs:
      command.kind === 'provision' ? {} : { ...outputsOf(existing), ...(await lastContactOf(deps.registry, existing)) },
    createdAt: now,
    updatedAt: now,
    ...('reason' in command && command.reason ? { reason: command.reason } : {}),
    ...(input.channel ? { channel: input.channel } : {}),
  };

  const created = await deps.runs.create(run);
  if (!created.created) {
    const active = await deps.runs.get(created.activeRunId);
    const what = active ? `a ${active.kind} (${active.status.replace('_', ' ')})` : 'a run';
    return err({
      code: 'RUNNER.BUSY',
      message: `${command.name} already has ${what} in progress: run ${created.activeRunId}`,
    });
  }
  if (awaitingApproval) {
    await deps.approvals.open({
      runId: run.id,
      requester: requester.userId,
      createdAt: now,
      expiresAt: expiresAt(now, deps.policy.approvalTtlMinutes),
    });
  }
  await deps.audit.append({
    type: 'request',
    runId: run.id,
    runner: run.runner,
    actor: requester.userId,
    detail: { kind: run.kind, via: requester.via, profile: run.spec.profile, reason: run.reason, awaitingApproval },
  });
  await deps.notifier.notify({ type: 'run-requested', run });
  if (!awaitingApproval) {
    const queued = await enqueue(deps, run);
    if (!queued.ok) return queued;
  }
  return ok({ run, awaitingApproval });
}

/**
 * The terminal is break-glass access: whoever runs the CLI on a runnerbot host already holds
 * every secret, so Slack's operator list and the second approver do not apply there (the audit
 * trail records `via: cli` and the local user). A pool's reconciler acts on a `scale` that an
 * operator asked for, and only ever adds or rebuilds runners. The rotation schedule only rotates
 * tokens, when the configuration says they are due (`rotation`).
 */
export const isTrusted = (requester: Requester): boolean =>
  requester.via === 'cli' || requester.via === 'pool' || requester.via === 'schedule';

/** Whether `requester` may ask for changes: an operator by user id or user group, or a trusted requester. */
export async function authorize(
  deps: Pick<RequestJobDeps, 'directory' | 'policy'>,
  requester: Requester,
): Promise<Result<void>> {
  if (isTrusted(requester)) return ok(undefined);
  return canRequest(requester.userId, await deps.directory.groupsOf(requester.userId), deps.policy.operators);
}

/** GitLab's last contact with the runner; nothing when GitLab cannot say (it never blocks a request). */
async function lastContactOf(
  registry: RequestJobDeps['registry'],
  entry: Awaited<ReturnType<Fleet['get']>>,
): Promise<RunOutputs> {
  if (!registry || !entry) return {};
  try {
    const runner = await registry.getRunner(entry.runnerId);
    return runner ? { lastContact: runner.contactedAt ?? 'never' } : {};
  } catch {
    return {};
  }
}

/** What a rebuild or removal starts from: the fleet's record of the runner, if it has one. */
function outputsOf(entry: Awaited<ReturnType<Fleet['get']>>): RunOutputs {
  if (!entry) return {};
  return { vmid: entry.vmid, node: entry.node, ip: entry.ip, runnerId: entry.runnerId };
}

/** A run that could not be queued must not hold its runner name: it fails with the reason. */
export async function enqueue(
  deps: Pick<RequestJobDeps, 'queue' | 'runs' | 'clock' | 'notifier'>,
  run: RunRecord,
): Promise<Result<void>> {
  try {
    await deps.queue.enqueueRun(run.id);
    return ok(undefined);
  } catch (cause) {
    const error = {
      code: 'QUEUE.UNAVAILABLE' as const,
      message: 'the job queue is unavailable right now; nothing was started, try again in a minute',
    };
    const failed = await deps.runs.finish(run.id, 'failed', { error, finishedAt: deps.clock.now() }).catch(() => null);
    if (failed) await deps.notifier.notify({ type: 'run-finished', run: failed });
    return err({ ...error, message: `${error.message} (${cause instanceof Error ? cause.message : String(cause)})` });
  }
}
