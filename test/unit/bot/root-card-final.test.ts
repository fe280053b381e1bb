// A card says what will happen only while it still may, and once the run is over what did happen:
// never "will be destroyed" on a denied, expired or finished run.
import { describe, expect, it } from 'vitest';
import { rootMessage } from '../../../src/bot/blocks/index.ts';
import { planFor } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';

const run = (patch: Partial<RunRecord>): RunRecord => ({
  id: 'r1',
  kind: 'deprovision',
  runner: 'gitlab-runner-02',
  plan: planFor('deprovision'),
  status: 'awaiting_approval',
  checkpoint: 0,
  outputs: {},
  requester: { userId: 'U0ALICE001', via: 'slack' },
  channel: 'C1',
  createdAt: 1_000,
  updatedAt: 1_000,
  spec: {
    name: 'gitlab-runner-02',
    profile: 'default',
    cores: 4,
    memoryMiB: 8192,
    diskGiB: 64,
    tags: [],
    concurrency: 2,
    privileged: false,
    defaultImage: 'alpine',
    allowedImages: [],
    allowedServices: [],
    allowedPullPolicies: [],
    volumes: [],
  },
  ...patch,
});
const text = (r: RunRecord, decision?: Parameters<typeof rootMessage>[1]) =>
  JSON.stringify(rootMessage(r, decision).blocks);

describe('rootMessage of a destructive run', () => {
  it('says what will be destroyed while it waits and once approved', () => {
    expect(text(run({}))).toContain('will be *destroyed*');
    expect(text(run({ status: 'running' }), { decision: 'approved', by: 'U0BOB00001' })).toContain(
      'will be *destroyed*',
    );
  });
  it.each([
    ['denied', { decision: 'denied', by: 'U0BOB00001' }],
    ['expired', { decision: 'expired', by: 'runnerbot' }],
    ['succeeded', { decision: 'approved', by: 'U0BOB00001' }],
    ['failed', { decision: 'approved', by: 'U0BOB00001' }],
  ] as const)('does not say "will be destroyed" once %s', (status, decision) => {
    expect(text(run({ status }), decision)).not.toContain('will be');
  });

  it.each([
    ['deprovision', 'succeeded', 'This runner VM and its GitLab runner were destroyed.'],
    [
      'reprovision',
      'succeeded',
      'A successor was built and verified; then the old runner VM and its GitLab runner were destroyed',
    ],
    ['provision', 'succeeded', 'A new runner VM was created and registered in GitLab.'],
    ['deprovision', 'failed', 'It stopped at `delete-vm`; the thread says what is left.'],
    ['reprovision', 'denied', 'Nothing was changed.'],
    ['provision', 'expired', 'Nobody approved it in time; nothing was changed.'],
  ] as const)('a %s card once %s states the outcome', (kind, status, outcome) => {
    const decision =
      status === 'expired'
        ? ({ decision: 'expired', by: 'runnerbot' } as const)
        : ({ decision: status === 'denied' ? 'denied' : 'approved', by: 'U0BOB00001' } as const);
    const card = text(
      run({
        kind,
        status,
        plan: planFor(kind),
        ...(status === 'failed' ? { error: { step: 'delete-vm', code: 'X', message: 'y' } } : {}),
      }),
      decision,
    );
    expect(card).toContain(outcome);
    expect(card).not.toMatch(/will be|would be/);
  });
});
