// Issue 12, finding 2: a run whose job BullMQ ended (the last attempt died outside the plan) is
// still closed like any failed run: clean-up as configured, `job-end` in the audit trail, a summary.
import { describe, expect, it } from 'vitest';
import { failAbandonedRun } from '../../../src/app/fail-abandoned-run.ts';
import { STEPS } from '../../../src/app/steps/index.ts';
import type { Step, StepDeps, StepRegistry } from '../../../src/app/steps/step.ts';
import { planFor, type StepName } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import { runRecord } from '../../support/run-record.ts';
import { ManualClock, MemoryAudit, MemoryRunStore, RecordingNotifier } from '../../support/memory-ports.ts';

function removingSteps(removed: string[]): StepRegistry {
  const steps = {} as Record<StepName, Step>;
  for (const name of planFor('reprovision')) {
    steps[name] = {
      name,
      ...(STEPS[name].clears ? { clears: STEPS[name].clears } : {}),
      check: async () => ({ done: false }),
      apply: async () => void removed.push(name),
    };
  }
  return steps;
}

function setup(status: RunRecord['status']) {
  const runs = new MemoryRunStore();
  const clock = new ManualClock();
  const plan = planFor('provision');
  const run = runRecord({
    id: 'r1',
    requester: { userId: 'U1', via: 'slack' },
    status,
    checkpoint: plan.indexOf('configure'),
    outputs: { vmid: 9001, node: 'pve1' },
  });
  runs.runs.set(run.id, run);
  const removed: string[] = [];
  const deps = {
    runs,
    steps: removingSteps(removed),
    stepDeps: { settings: { onFailure: 'destroy' }, clock } as unknown as StepDeps,
    notifier: new RecordingNotifier(),
    audit: new MemoryAudit(),
    clock,
  };
  return { deps, runs, removed };
}

describe('failAbandonedRun', () => {
  it('cleans up, fails the run at its step, closes the audit trail and announces the end', async () => {
    const { deps, runs, removed } = setup('running');
    const failed = await failAbandonedRun(deps, 'r1', 'Connection is closed');
    expect(removed).toEqual(['delete-runner', 'stop-vm', 'delete-vm']);
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'STEP.UNRECOVERABLE', message: 'Connection is closed', step: 'configure' },
    });
    expect((await runs.get('r1'))?.outputs.vmid).toBeUndefined();
    expect(deps.audit.entries).toEqual([
      expect.objectContaining({
        type: 'job-end',
        runId: 'r1',
        detail: expect.objectContaining({ outcome: 'failed', step: 'configure' }),
      }),
    ]);
    expect(deps.notifier.events.map((e) => e.type)).toEqual(['run-finished']);
  });

  it('leaves a run that already ended alone', async () => {
    const { deps, removed } = setup('succeeded');
    expect(await failAbandonedRun(deps, 'r1', 'late')).toBeNull();
    expect([removed, deps.audit.entries, deps.notifier.events]).toEqual([[], [], []]);
  });
});
