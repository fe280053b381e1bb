import { describe, expect, it } from 'vitest';
import {
  canRequest,
  decideApproval,
  expiresAt,
  isMember,
  needsApproval,
  type ApprovalInput,
  type ApprovalState,
} from '../../../src/core/approval.ts';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const APPROVERS = ['S0APPROVERS', 'U0BOSS'];

const pending: ApprovalState = {
  runId: 'r_1',
  requester: 'U0ALICE',
  createdAt: T0,
  expiresAt: expiresAt(T0, 60),
  status: 'pending',
  kind: 'reprovision',
};

const decide = (over: Omit<Partial<ApprovalInput>, 'approval'> & { approval?: Partial<ApprovalState> }) =>
  decideApproval({
    actor: { userId: 'U0BOB', groups: ['S0APPROVERS'] },
    approvers: APPROVERS,
    now: T0 + 5 * MINUTE,
    decision: 'approve',
    ...over,
    approval: { ...pending, ...over.approval },
  });

describe('who may request', () => {
  const operators = ['S0ONCALL', 'U0CAROL'];

  it.each([
    ['a listed user', 'U0CAROL', []],
    ['a member of a listed group', 'U0DAVE', ['S0OTHER', 'S0ONCALL']],
  ])('%s may', (_, user, groups) => {
    expect(canRequest(user, groups, operators)).toEqual({ ok: true, value: undefined });
  });

  it('anyone else is told who may', () => {
    expect(canRequest('U0EVE', ['S0OTHER'], operators)).toEqual({
      ok: false,
      error: {
        code: 'AUTH.FORBIDDEN',
        message: 'only members of <!subteam^S0ONCALL> or <@U0CAROL> can ask runnerbot for changes',
      },
    });
  });

  it('matches by id only, never by name or case', () => {
    expect(isMember({ userId: 'u0carol', groups: [] }, operators)).toBe(false);
    expect(isMember({ userId: 'carol', groups: ['oncall'] }, operators)).toBe(false);
    expect(isMember({ userId: 'U0CAROL2', groups: [] }, operators)).toBe(false);
  });
});

describe('needsApproval', () => {
  it.each([
    ['provision', false, false],
    ['provision', true, true],
    ['reprovision', false, true],
    ['reprovision', true, true],
    ['deprovision', false, true],
    ['deprovision', true, true],
  ] as const)('%s with provisionNeedsApproval=%s -> %s', (kind, configured, expected) => {
    expect(needsApproval(kind, configured)).toBe(expected);
  });
});

describe('expiresAt', () => {
  it('adds the TTL in minutes', () => {
    expect(expiresAt(T0, 60)).toBe(T0 + 60 * MINUTE);
    expect(expiresAt(T0, 1)).toBe(T0 + MINUTE);
  });
});

describe('decideApproval', () => {
  it('an approver (by group) approves', () => {
    expect(decide({})).toEqual({ ok: true, value: { decision: 'approved', by: 'U0BOB', withdrawn: false } });
  });

  it('an approver (by user id) approves', () => {
    expect(decide({ actor: { userId: 'U0BOSS', groups: [] } })).toEqual({
      ok: true,
      value: { decision: 'approved', by: 'U0BOSS', withdrawn: false },
    });
  });

  it('the requester can never approve, even as an approver', () => {
    expect(decide({ actor: { userId: 'U0ALICE', groups: ['S0APPROVERS'] } })).toEqual({
      ok: false,
      error: { code: 'APPROVAL.SELF', message: 'you asked for this rebuild, so someone else must approve it' },
    });
  });

  it.each([
    ['deprovision', 'you asked for this removal, so someone else must approve it'],
    ['provision', 'you asked for this new runner, so someone else must approve it'],
    [undefined, 'you asked for this change, so someone else must approve it'],
  ] as const)('words the self-approval refusal for %s', (kind, message) => {
    expect(decide({ actor: { userId: 'U0ALICE', groups: [] }, approval: { kind } })).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL.SELF', message },
    });
  });

  it('a non-approver is told who can approve', () => {
    expect(decide({ actor: { userId: 'U0EVE', groups: ['S0OTHER'] } })).toEqual({
      ok: false,
      error: {
        code: 'APPROVAL.NOT_APPROVER',
        message: 'only members of <!subteam^S0APPROVERS> or <@U0BOSS> can approve',
      },
    });
  });

  it('any approver may deny', () => {
    expect(decide({ decision: 'deny' })).toEqual({
      ok: true,
      value: { decision: 'denied', by: 'U0BOB', withdrawn: false },
    });
  });

  it('the requester may withdraw their own request', () => {
    expect(decide({ decision: 'deny', actor: { userId: 'U0ALICE', groups: [] } })).toEqual({
      ok: true,
      value: { decision: 'denied', by: 'U0ALICE', withdrawn: true },
    });
  });

  it('a bystander may not deny', () => {
    expect(decide({ decision: 'deny', actor: { userId: 'U0EVE', groups: [] } })).toEqual({
      ok: false,
      error: {
        code: 'APPROVAL.NOT_APPROVER',
        message: 'only members of <!subteam^S0APPROVERS> or <@U0BOSS> or the requester can deny this request',
      },
    });
  });

  it('the last moment before expiry still counts; the expiry instant does not', () => {
    expect(decide({ now: pending.expiresAt - 1 }).ok).toBe(true);
    expect(decide({ now: pending.expiresAt })).toEqual({
      ok: false,
      error: {
        code: 'APPROVAL.EXPIRED',
        message: 'this request expired just now and nothing was changed; ask again if it is still needed',
      },
    });
  });

  it.each([
    [MINUTE, '1 minute ago'],
    [90 * MINUTE, '90 minutes ago'],
  ])('an expired request (%i ms late) is refused, approve or deny', (late, when) => {
    const message = `this request expired ${when} and nothing was changed; ask again if it is still needed`;
    for (const decision of ['approve', 'deny'] as const) {
      expect(decide({ now: pending.expiresAt + late, decision })).toEqual({
        ok: false,
        error: { code: 'APPROVAL.EXPIRED', message },
      });
    }
  });

  it('a request already marked expired is refused even before its time', () => {
    expect(decide({ approval: { status: 'expired' } })).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL.EXPIRED' },
    });
  });

  it.each([
    ['approved', 'U0BOSS', 'this request was already approved by <@U0BOSS>'],
    ['denied', 'U0ALICE', 'this request was already denied by <@U0ALICE>'],
    ['approved', undefined, 'this request was already approved'],
  ] as const)('an %s request cannot be decided again', (status, decidedBy, message) => {
    for (const decision of ['approve', 'deny'] as const) {
      expect(decide({ decision, approval: { status, decidedBy } })).toEqual({
        ok: false,
        error: { code: 'APPROVAL.DECIDED', message },
      });
    }
  });

  it('checks the decision before the expiry, and both before who clicks', () => {
    const late = pending.expiresAt + MINUTE;
    expect(decide({ now: late, approval: { status: 'approved' } })).toMatchObject({
      error: { code: 'APPROVAL.DECIDED' },
    });
    expect(decide({ now: late, actor: { userId: 'U0ALICE', groups: [] } })).toMatchObject({
      error: { code: 'APPROVAL.EXPIRED' },
    });
  });
});
