import { describe, expect, it } from 'vitest';
import { requestJob, type RequestJobDeps } from '../../../src/app/request-job.ts';
import { decideApprovalForRun } from '../../../src/app/decide-approval.ts';
import { expireApprovals } from '../../../src/app/expire-approvals.ts';
import type { RequestPolicy } from '../../../src/app/request-policy.ts';
import {
  ManualClock,
  MemoryApprovals,
  MemoryAudit,
  MemoryFleet,
  MemoryQueue,
  MemoryRunStore,
  RecordingNotifier,
  sequentialIds,
  staticDirectory,
} from '../../support/memory-ports.ts';

const policy: RequestPolicy = {
  profiles: {
    build: {
      cores: 4,
      memoryMiB: 8192,
      diskGiB: 40,
      tags: ['docker'],
      concurrency: 2,
      privileged: true,
      defaultImage: 'alpine',
      allowedImages: [],
      allowedServices: [],
      allowedPullPolicies: ['if-not-present'],
      volumes: [],
    },
  },
  defaultProfile: 'build',
  namePattern: '^gitlab-runner-[a-z0-9-]+$',
  nodes: ['pve1'],
  operators: ['SOPS'],
  approvers: ['SAPP'],
  approvalTtlMinutes: 30,
  provisionNeedsApproval: false,
};

function setup() {
  const deps = {
    runs: new MemoryRunStore(),
    approvals: new MemoryApprovals(),
    queue: new MemoryQueue(),
    audit: new MemoryAudit(),
    notifier: new RecordingNotifier(),
    fleet: new MemoryFleet(),
    directory: staticDirectory({ UOP: ['SOPS'], UOP2: ['SOPS'], UAPP: ['SAPP', 'SOPS'], UAPP2: ['SAPP'] }),
    clock: new ManualClock(),
    ids: sequentialIds(),
    policy,
  } satisfies RequestJobDeps;
  const decideDeps = { ...deps, approvers: policy.approvers };
  return { deps, decideDeps };
}

const provision = { kind: 'provision' as const, name: 'gitlab-runner-02', dryRun: false };
const reprovision = { kind: 'reprovision' as const, name: 'gitlab-runner-02', dryRun: false, reason: 'disk full' };
const slack = (userId: string) => ({ userId, via: 'slack' as const });

describe('requestJob', () => {
  it('records, announces and enqueues a provision from an operator', async () => {
    const { deps } = setup();
    const result = await requestJob(deps, { command: provision, requester: slack('UOP'), channel: 'C1' });
    expect(result.ok && result.value.awaitingApproval).toBe(false);
    expect(deps.queue.enqueued).toEqual(['r1']);
    expect(await deps.runs.get('r1')).toMatchObject({
      status: 'queued',
      channel: 'C1',
      spec: { profile: 'build', tags: ['docker'] },
    });
    expect(deps.notifier.types()).toEqual(['run-requested']);
    expect(deps.audit.entries[0]).toMatchObject({ type: 'request', actor: 'UOP', runner: 'gitlab-runner-02' });
  });

  it('refuses a stranger and changes nothing', async () => {
    const { deps } = setup();
    const result = await requestJob(deps, { command: provision, requester: slack('USTRANGER') });
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH.FORBIDDEN' } });
    expect(deps.runs.runs.size).toBe(0);
    expect(deps.queue.enqueued).toEqual([]);
  });

  it('refuses a bad name before anything is written', async () => {
    const { deps } = setup();
    const result = await requestJob(deps, {
      command: { ...provision, name: 'gitlab-runner-$(reboot)' },
      requester: slack('UOP'),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'RUNNER.NAME_INVALID' } });
    expect(deps.runs.runs.size + deps.audit.entries.length).toBe(0);
  });

  it('answers a second request for the same runner with a pointer to the active run', async () => {
    const { deps } = setup();
    await requestJob(deps, { command: provision, requester: slack('UOP') });
    const second = await requestJob(deps, { command: provision, requester: slack('UOP2') });
    expect(second).toMatchObject({
      ok: false,
      error: { code: 'RUNNER.BUSY', message: expect.stringContaining('run r1') },
    });
    expect(deps.queue.enqueued).toEqual(['r1']);
  });

  it('fails the run and frees the name when the queue is unavailable', async () => {
    const { deps } = setup();
    deps.queue.failing = true;
    const result = await requestJob(deps, { command: provision, requester: slack('UOP') });
    expect(result).toMatchObject({ ok: false, error: { code: 'QUEUE.UNAVAILABLE' } });
    expect(await deps.runs.activeFor('gitlab-runner-02')).toBeNull();
  });
});

describe('approvals', () => {
  async function requested() {
    const ctx = setup();
    await ctx.deps.fleet.upsert({
      name: 'gitlab-runner-02',
      vmid: 9001,
      node: 'pve1',
      ip: '10.0.0.5',
      profile: 'build',
      runnerId: 42,
      tags: [],
      provisionedAt: 0,
    });
    const result = await requestJob(ctx.deps, { command: reprovision, requester: slack('UOP'), channel: 'C1' });
    if (!result.ok) throw new Error(result.error.message);
    return { ...ctx, run: result.value.run };
  }

  it('records when GitLab last heard from the runner, for the approval card', async () => {
    const ctx = setup();
    await ctx.deps.fleet.upsert({
      name: 'gitlab-runner-03',
      vmid: 9002,
      node: 'pve1',
      ip: '10.0.0.6',
      profile: 'build',
      runnerId: 43,
      tags: [],
      provisionedAt: 0,
    });
    const registry = {
      getRunner: async (id: number) =>
        id === 43
          ? {
              id,
              description: 'gitlab-runner-03',
              tagList: [],
              paused: false,
              locked: true,
              runUntagged: false,
              status: 'online',
              online: true,
              contactedAt: '2026-11-30T01:00:00Z',
            }
          : null,
    };
    const result = await requestJob(
      { ...ctx.deps, registry },
      { command: { ...reprovision, name: 'gitlab-runner-03' }, requester: slack('UOP') },
    );
    expect(result.ok && result.value.run.outputs).toMatchObject({ runnerId: 43, lastContact: '2026-11-30T01:00:00Z' });
    const down = { getRunner: async () => Promise.reject(new Error('GitLab is down')) };
    const second = await requestJob(
      { ...ctx.deps, registry: down },
      { command: { ...reprovision, name: 'gitlab-runner-02' }, requester: slack('UOP') },
    );
    expect(second.ok && second.value.run.outputs.lastContact).toBeUndefined();
  });

  it('makes a rebuild wait, starting from what the fleet knows', async () => {
    const { deps, run } = await requested();
    expect(run).toMatchObject({
      status: 'awaiting_approval',
      outputs: { vmid: 9001, runnerId: 42 },
      reason: 'disk full',
    });
    expect(deps.queue.enqueued).toEqual([]);
  });

  it('refuses the requester and a non-approver, then enqueues once for an approver', async () => {
    const { decideDeps, deps, run } = await requested();
    expect(await decideApprovalForRun(decideDeps, { runId: run.id, userId: 'UOP', decision: 'approve' })).toMatchObject(
      { ok: false, error: { code: 'APPROVAL.SELF' } },
    );
    expect(
      await decideApprovalForRun(decideDeps, { runId: run.id, userId: 'UOP2', decision: 'approve' }),
    ).toMatchObject({ ok: false, error: { code: 'APPROVAL.NOT_APPROVER' } });
    const clicks = await Promise.all([
      decideApprovalForRun(decideDeps, { runId: run.id, userId: 'UAPP', decision: 'approve' }),
      decideApprovalForRun(decideDeps, { runId: run.id, userId: 'UAPP2', decision: 'approve' }),
    ]);
    expect(clicks.filter((c) => c.ok)).toHaveLength(1);
    expect(clicks.find((c) => !c.ok)).toMatchObject({ error: { code: 'APPROVAL.DECIDED' } });
    expect(deps.queue.enqueued).toEqual([run.id]);
    expect((await deps.runs.get(run.id))?.status).toBe('queued');
  });

  it('a denial ends the run and frees the name', async () => {
    const { decideDeps, deps, run } = await requested();
    const denied = await decideApprovalForRun(decideDeps, { runId: run.id, userId: 'UAPP', decision: 'deny' });
    expect(denied).toMatchObject({ ok: true, value: { decision: 'denied', by: 'UAPP' } });
    expect(deps.queue.enqueued).toEqual([]);
    expect(await deps.runs.activeFor('gitlab-runner-02')).toBeNull();
    expect(deps.notifier.types()).toContain('approval-decided');
  });

  it('expires unanswered requests, after which nobody can approve', async () => {
    const { decideDeps, deps, run } = await requested();
    deps.clock.current += 31 * 60_000;
    expect(await expireApprovals(deps)).toBe(1);
    expect((await deps.runs.get(run.id))?.status).toBe('expired');
    const late = await decideApprovalForRun(decideDeps, { runId: run.id, userId: 'UAPP', decision: 'approve' });
    expect(late.ok).toBe(false);
    expect(deps.queue.enqueued).toEqual([]);
  });
});
