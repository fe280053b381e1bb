// The rotation schedule with a fake clock: nothing until a token is due, then one rotate-token run
// per due runner, queued without approval, audited as scheduled and announced in the channel.
import { describe, expect, it } from 'vitest';
import { scheduleRotations, type ScheduleRotationsDeps } from '../../../src/app/schedule-rotations.ts';
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

const DAY = 24 * 3600_000;
const policy: RequestPolicy = {
  profiles: {
    default: {
      cores: 2,
      memoryMiB: 4096,
      diskGiB: 20,
      tags: ['docker'],
      concurrency: 1,
      privileged: false,
      defaultImage: 'alpine',
      allowedImages: [],
      allowedServices: [],
      allowedPullPolicies: ['if-not-present'],
      volumes: [],
    },
  },
  defaultProfile: 'default',
  namePattern: '^gitlab-runner-[a-z0-9-]+$',
  nodes: ['pve1'],
  operators: ['SOPS'],
  approvers: ['SAPP'],
  approvalTtlMinutes: 30,
  provisionNeedsApproval: false,
};

async function setup() {
  const clock = new ManualClock();
  const deps: ScheduleRotationsDeps = {
    runs: new MemoryRunStore(),
    approvals: new MemoryApprovals(),
    queue: new MemoryQueue(),
    audit: new MemoryAudit(),
    notifier: new RecordingNotifier(),
    fleet: new MemoryFleet(),
    directory: staticDirectory(),
    clock,
    ids: sequentialIds(),
    policy,
    rotation: { everyDays: 30, marginDays: 7 },
    channel: 'C1',
  };
  const base = { vmid: 5000, node: 'pve1', ip: '10.0.0.5', profile: 'default', tags: ['docker'] };
  await deps.fleet.upsert({
    ...base,
    name: 'gitlab-runner-01',
    runnerId: 1,
    provisionedAt: clock.now(),
    tokenObtainedAt: clock.now(),
    tokenExpiresAt: null,
  });
  await deps.fleet.upsert({
    ...base,
    name: 'gitlab-runner-02',
    runnerId: 2,
    provisionedAt: clock.now(),
    tokenObtainedAt: clock.now(),
    tokenExpiresAt: new Date(clock.now() + 20 * DAY).toISOString(),
  });
  return { deps, clock, queue: deps.queue as MemoryQueue, audit: deps.audit as MemoryAudit };
}

describe('scheduleRotations', () => {
  it('fires for each token as it comes due, with no approval, audited and announced as scheduled', async () => {
    const { deps, clock, queue, audit } = await setup();
    expect(await scheduleRotations(deps)).toEqual([]);

    clock.current += 13 * DAY; // gitlab-runner-02's token expires in 7 days: inside the margin
    expect((await scheduleRotations(deps)).map((d) => d.runner)).toEqual(['gitlab-runner-02']);
    const run = await deps.runs.get(queue.enqueued[0]!);
    expect(run).toMatchObject({
      kind: 'rotate-token',
      runner: 'gitlab-runner-02',
      status: 'queued',
      plan: ['reset-token', 'install-token', 'verify', 'record-token'],
      requester: { via: 'schedule' },
      channel: 'C1',
      reason: 'scheduled: its token expires in 7 d (margin 7 d)',
      outputs: { runnerId: 2 },
    });
    expect(audit.entries.at(-1)).toMatchObject({
      type: 'request',
      runner: 'gitlab-runner-02',
      actor: 'schedule:token-rotation',
      detail: { kind: 'rotate-token', via: 'schedule', awaitingApproval: false },
    });
    expect(await (deps.approvals as MemoryApprovals).get(run!.id)).toBeNull();

    // While that rotation is in progress the runner is left alone.
    expect(await scheduleRotations(deps)).toEqual([]);

    clock.current += 17 * DAY; // gitlab-runner-01's token is 30 days old
    expect((await scheduleRotations(deps)).map((d) => d.runner)).toEqual(['gitlab-runner-01']);
    expect(queue.enqueued).toHaveLength(2);
  });

  it('leaves a runner whose scheduled rotation failed alone for a day', async () => {
    const { deps, clock, queue } = await setup();
    clock.current += 30 * DAY;
    await scheduleRotations(deps);
    for (const id of [...queue.enqueued]) await deps.runs.finish(id, 'failed', { finishedAt: clock.now() });
    clock.current += 3600_000;
    expect(await scheduleRotations(deps)).toEqual([]);
    clock.current += DAY;
    expect(await scheduleRotations(deps)).toHaveLength(2);
  });
});
