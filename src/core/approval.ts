// Who may ask for a change, who may decide on it, and until when.
//
// The policy an on-call team expects:
// - operators (user ids or user-group ids in `slack.operators`) may request; membership is by id;
// - provision runs at once unless configured otherwise; reprovision and deprovision always wait
//   for an approval;
// - only an approver who is not the requester may approve (two people for every destructive act);
// - any approver may deny, and the requester may withdraw their own request (a typo in the name,
//   a change of mind) — stopping a change never needs a second person;
// - nothing can be decided once it has been decided or has expired.
import { err, ok, type Result } from './errors.ts';
import type { RunKind } from './plan.ts';

export interface Actor {
  userId: string;
  /** The user-group ids (S…) the user belongs to. */
  groups: readonly string[];
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface ApprovalState {
  runId: string;
  /** The requester's user id. */
  requester: string;
  createdAt: number;
  expiresAt: number;
  status: ApprovalStatus;
  /** Who decided, once decided; named in "already approved by …". */
  decidedBy?: string;
  /** What is asked for; words the refusal ("this rebuild"). */
  kind?: RunKind;
}

export interface ApprovalInput {
  approval: ApprovalState;
  actor: Actor;
  /** `slack.approvers`: user ids (U…/W…) and user-group ids (S…). */
  approvers: readonly string[];
  now: number;
  decision: 'approve' | 'deny';
}

export interface ApprovalOutcome {
  decision: 'approved' | 'denied';
  by: string;
  /** The requester denied their own request. */
  withdrawn: boolean;
}

/** True when the user's id, or one of their groups' ids, is on the list. */
export function isMember(actor: Actor, list: readonly string[]): boolean {
  return list.includes(actor.userId) || actor.groups.some((group) => list.includes(group));
}

/** A Slack mention for a user id or a user-group id, so Slack shows the name. */
export function mention(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

/** "members of <!subteam^S1> or <@U2>" */
export function describeMembers(list: readonly string[]): string {
  return list.map((id) => (id.startsWith('S') ? `members of ${mention(id)}` : mention(id))).join(' or ');
}

export function canRequest(userId: string, userGroups: readonly string[], operators: readonly string[]): Result<void> {
  if (isMember({ userId, groups: userGroups }, operators)) return ok(undefined);
  return err({ code: 'AUTH.FORBIDDEN', message: `only ${describeMembers(operators)} can ask runnerbot for changes` });
}

export function needsApproval(kind: RunKind, provisionNeedsApproval: boolean): boolean {
  return kind !== 'provision' || provisionNeedsApproval;
}

export function expiresAt(createdAt: number, ttlMinutes: number): number {
  return createdAt + ttlMinutes * 60_000;
}

export const isExpired = (approval: Pick<ApprovalState, 'expiresAt'>, now: number): boolean =>
  now >= approval.expiresAt;

const WHAT: Record<RunKind, string> = {
  reprovision: 'rebuild',
  deprovision: 'removal',
  provision: 'new runner',
  'rotate-token': 'token rotation',
};

export function decideApproval(input: ApprovalInput): Result<ApprovalOutcome> {
  const { approval, actor, approvers, now, decision } = input;
  if (approval.status === 'approved' || approval.status === 'denied') {
    const by = approval.decidedBy ? ` by ${mention(approval.decidedBy)}` : '';
    return err({ code: 'APPROVAL.DECIDED', message: `this request was already ${approval.status}${by}` });
  }
  if (approval.status === 'expired' || isExpired(approval, now)) {
    const minutes = Math.max(0, Math.floor((now - approval.expiresAt) / 60_000));
    const when = minutes === 0 ? 'just now' : minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
    return err({
      code: 'APPROVAL.EXPIRED',
      message: `this request expired ${when} and nothing was changed; ask again if it is still needed`,
    });
  }
  const isRequester = actor.userId === approval.requester;
  if (decision === 'deny') {
    if (isRequester || isMember(actor, approvers))
      return ok({ decision: 'denied', by: actor.userId, withdrawn: isRequester });
    return err({
      code: 'APPROVAL.NOT_APPROVER',
      message: `only ${describeMembers(approvers)} or the requester can deny this request`,
    });
  }
  if (isRequester) {
    const what = approval.kind ? WHAT[approval.kind] : 'change';
    return err({ code: 'APPROVAL.SELF', message: `you asked for this ${what}, so someone else must approve it` });
  }
  if (!isMember(actor, approvers))
    return err({ code: 'APPROVAL.NOT_APPROVER', message: `only ${describeMembers(approvers)} can approve` });
  return ok({ decision: 'approved', by: actor.userId, withdrawn: false });
}
