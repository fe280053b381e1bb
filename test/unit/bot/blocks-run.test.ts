import { describe, expect, it } from 'vitest';
import {
  ACTION_IDS,
  failureMessage,
  progressMessage,
  rootMessage,
  summaryMessage,
} from '../../../src/bot/blocks/index.ts';
import { planFor } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import { runRecord } from '../../support/run-record.ts';

const run = (patch: Partial<RunRecord> = {}): RunRecord =>
  runRecord({
    id: 'r1',
    requester: { userId: 'U0ALICE001', via: 'slack' },
    channel: 'C1',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...patch,
    spec: { cores: 4, memoryMiB: 8192, diskGiB: 64, tags: ['docker', 'linux'], concurrency: 2, ...patch.spec },
  });
const json = (value: unknown) => JSON.stringify(value);
const buttonsOf = (message: { blocks?: unknown[] }) =>
  (message.blocks ?? []).flatMap((b) =>
    (b as { type: string }).type === 'actions' ? (b as { elements: Record<string, unknown>[] }).elements : [],
  );

describe('rootMessage', () => {
  it.each([
    ['queued', '⏳'],
    ['running', '🔄'],
    ['succeeded', '✅'],
    ['failed', '❌'],
    ['denied', '🛑'],
    ['expired', '⌛'],
  ] as const)('shows %s as %s with kind, runner and requester', (status, emoji) => {
    const message = rootMessage(run({ status }));
    expect(message.text).toContain(emoji);
    expect(json(message.blocks)).toContain(`${emoji} Provision \`gitlab-runner-02\``);
    expect(json(message.blocks)).toContain('<@U0ALICE001>');
  });

  it('is an approval card with Approve (confirmed) and Deny carrying the run id while it waits', () => {
    const message = rootMessage(
      run({
        kind: 'reprovision',
        status: 'awaiting_approval',
        reason: 'disk full',
        outputs: { vmid: 9001, node: 'pve1', ip: '10.0.0.5', runnerId: 77 },
      }),
    );
    const [approve, deny] = buttonsOf(message);
    expect(approve).toMatchObject({ action_id: ACTION_IDS.approve, value: 'r1', confirm: expect.any(Object) });
    expect(deny).toMatchObject({ action_id: ACTION_IDS.deny, value: 'r1' });
    for (const fact of ['9001', 'pve1', '10.0.0.5', '#77', 'disk full', 'destroyed and rebuilt'])
      expect(json(message.blocks)).toContain(fact);
  });

  it.each([
    ['approved', 'U0BOB00001', 'Approved by <@U0BOB00001>'],
    ['denied', 'U0BOB00001', 'Denied by <@U0BOB00001>'],
    ['expired', 'runnerbot', 'Expired'],
  ] as const)('once %s, has no buttons and says who decided', (decision, by, note) => {
    const message = rootMessage(run({ kind: 'deprovision', status: decision === 'approved' ? 'queued' : decision }), {
      decision,
      by,
    });
    expect(buttonsOf(message)).toEqual([]);
    expect(json(message.blocks)).toContain(note);
  });

  it('shows a terminal requester as code, not a mention', () => {
    expect(json(rootMessage(run({ requester: { userId: 'cli:root', via: 'cli' } })).blocks)).toContain('`cli:root`');
  });
});

describe('progressMessage', () => {
  it('marks finished steps with ✓ and their duration, the current one with …, a failure with ✗', () => {
    const running = progressMessage(run({ status: 'running', checkpoint: 2 }), {
      finished: { 'find-vm': { durationMs: 120, applied: false }, 'reserve-vmid': { durationMs: 2500, applied: true } },
    });
    const body = json(running.blocks);
    expect(body).toContain('✓ find-vm — 120 ms (checked)');
    expect(body).toContain('✓ reserve-vmid — 2.5 s');
    expect(body).not.toContain('reserve-vmid — 2.5 s (');
    expect(body).toContain('… clone');
    expect(body).toContain('2/16 steps');

    const failed = progressMessage(run({ status: 'failed', checkpoint: 2 }), {
      finished: {},
      failed: { step: 'clone', code: 'PROXMOX.TASK_FAILED', message: 'clone failed', willRetry: false },
    });
    expect(json(failed.blocks)).toContain('✗ clone — PROXMOX.TASK_FAILED: clone failed');
  });
  it("shows what the running step waits for (a draining runner's jobs), escaped", () => {
    const plan = planFor('reprovision');
    const draining = run({ kind: 'reprovision', plan, status: 'running', checkpoint: plan.indexOf('pause-runner') });
    const message = progressMessage(draining, {
      finished: {},
      note: { step: 'pause-runner', text: '1 job still running: #7 <!here> build' },
    });
    expect(json(message.blocks)).toContain('… pause-runner — 1 job still running: #7 &lt;!here&gt; build');
  });
});

describe('a failed replace-then-retire rebuild', () => {
  const plan = planFor('reprovision');
  const failedAt = (step: (typeof plan)[number], outputs = {}) =>
    failureMessage(
      run({
        kind: 'reprovision',
        plan,
        status: 'failed',
        checkpoint: plan.indexOf(step),
        outputs,
        error: { step, code: 'REMOTE.PHASE_FAILED', message: 'apt failed' },
      }),
    );

  it('says the old runner keeps serving, and what is left of the successor', () => {
    const removed = json(failedAt('successor:bootstrap-docker').blocks);
    expect(removed).toContain('gitlab-runner-02 keeps serving, untouched');
    expect(removed).toContain('its successor was removed');
    const kept = json(failedAt('successor:bootstrap-docker', { successor: { vmid: 5003, runnerId: 9 } }).blocks);
    expect(kept).toContain('its successor gitlab-runner-02.next is left behind (VM 5003, GitLab runner #9)');
  });

  it('once the old runner was touched, says the successor stays and how to finish', () => {
    const text = json(failedAt('delete-runner').blocks);
    expect(text).toContain('The successor gitlab-runner-02.next was built and verified and stays');
    expect(text).not.toContain('keeps serving');
  });
});

describe('progress lines', () => {
  it('tells a step found already done from a step that only reads or waits', () => {
    const body = json(
      progressMessage(run({ status: 'running', checkpoint: 8 }), {
        finished: {
          clone: { durationMs: 50, applied: false },
          'wait-ip': { durationMs: 4000, applied: true },
          'wait-ssh': { durationMs: 30, applied: false },
        },
      }).blocks,
    );
    expect(body).toContain('✓ clone — 50 ms (already done)');
    expect(body).toContain('✓ wait-ip — 4.0 s (checked)');
    expect(body).toContain('✓ wait-ssh — 30 ms (checked)');
  });
});

describe('outcome messages', () => {
  it('summarises a provision: VMID, node, IP, runner id, tags, duration', () => {
    const message = summaryMessage(
      run({
        status: 'succeeded',
        startedAt: 1_000,
        finishedAt: 63_000,
        outputs: { vmid: 9001, node: 'pve1', ip: '10.0.0.5', runnerId: 77 },
      }),
    );
    for (const fact of ['9001', 'pve1', '10.0.0.5', '#77', 'docker, linux', '1 min 2 s'])
      expect(json(message.blocks)).toContain(fact);
  });

  it('names the failed step, the error, what was left behind, and offers Retry and Deprovision', () => {
    const message = failureMessage(
      run({
        status: 'failed',
        outputs: { vmid: 9001, node: 'pve1' },
        error: { code: 'SSH.UNREACHABLE', message: 'no answer on 10.0.0.5:22', step: 'wait-ssh' },
      }),
    );
    const body = json(message.blocks);
    for (const fact of ['wait-ssh', 'SSH.UNREACHABLE', 'no answer on 10.0.0.5:22', 'VM 9001 on pve1'])
      expect(body).toContain(fact);
    expect(buttonsOf(message)).toEqual([
      expect.objectContaining({ action_id: ACTION_IDS.retry, value: 'r1' }),
      expect.objectContaining({ action_id: ACTION_IDS.deprovision, value: 'gitlab-runner-02' }),
    ]);
  });
});

describe('summaryMessage of a deprovision', () => {
  it('lists every VM and GitLab runner it removed', () => {
    const done = run({
      kind: 'deprovision',
      status: 'succeeded',
      outputs: { removedVmids: [1003, 1007], removedRunnerIds: [12, 15] },
    });
    expect(json(summaryMessage(done).blocks)).toContain(
      '*Removed*\\nVM 1003, VM 1007, GitLab runner #12, GitLab runner #15',
    );
  });
});
