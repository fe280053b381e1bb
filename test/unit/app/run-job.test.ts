import { describe, expect, it } from 'vitest';
import { runJob, type RunJobDeps, type StepRegistry } from '../../../src/app/run-job.ts';
import { permanent, transient, RunnerbotError } from '../../../src/core/errors.ts';
import { planFor, type StepName } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import type { Step, StepDeps } from '../../../src/app/steps/step.ts';
import { STEPS } from '../../../src/app/steps/index.ts';
import { runRecord } from '../../support/run-record.ts';
import { ManualClock, MemoryAudit, MemoryRunStore, RecordingNotifier, heldLock } from '../../support/memory-ports.ts';

/** Steps that record each apply in `effects` and are done once applied (idempotent); each clears what the real one does. */
function recordingSteps(
  effects: string[],
  failAt?: { step: StepName; error: () => Error; times: number },
): StepRegistry {
  const done = new Set<string>();
  const steps = {} as Record<StepName, Step>;
  for (const name of new Set([...planFor('reprovision', { inPlace: true }), ...planFor('reprovision')])) {
    steps[name] = {
      name,
      ...(STEPS[name].clears ? { clears: STEPS[name].clears } : {}),
      async check() {
        return done.has(name) ? { done: true } : { done: false };
      },
      async apply() {
        if (failAt?.step === name && failAt.times > 0) {
          failAt.times--;
          throw failAt.error();
        }
        effects.push(name);
        done.add(name);
        return name === 'clone' ? { vmid: 9001, node: 'pve1' } : {};
      },
    };
  }
  return steps;
}

function setup(kind: RunRecord['kind'], steps: StepRegistry, onFailure: 'keep' | 'destroy' = 'keep') {
  const runs = new MemoryRunStore();
  const clock = new ManualClock();
  const run = runRecord({ id: 'r1', kind, spec: { memoryMiB: 2048 }, createdAt: clock.now(), updatedAt: clock.now() });
  runs.runs.set(run.id, run);
  const notifier = new RecordingNotifier();
  const audit = new MemoryAudit();
  const stepDeps = { settings: { onFailure }, clock } as unknown as StepDeps;
  const deps: RunJobDeps = { runs, steps, stepDeps, notifier, audit, clock };
  const input = { runId: run.id, lock: heldLock(), signal: new AbortController().signal, finalAttempt: false };
  return { runs, notifier, audit, deps, input };
}

describe('runJob', () => {
  it('runs every step of the plan once, in order, and finishes the run', async () => {
    const effects: string[] = [];
    const { deps, input, runs, notifier } = setup('provision', recordingSteps(effects));
    const run = await runJob(deps, input);
    expect(effects).toEqual(planFor('provision'));
    expect(run.status).toBe('succeeded');
    expect(run.outputs).toMatchObject({ vmid: 9001, node: 'pve1' });
    expect((await runs.get('r1'))?.checkpoint).toBe(planFor('provision').length);
    expect(notifier.types().at(0)).toBe('run-started');
    expect(notifier.types().at(-1)).toBe('run-finished');
  });

  it('resumes at the checkpoint after a transient failure and repeats nothing', async () => {
    const effects: string[] = [];
    const steps = recordingSteps(effects, {
      step: 'configure',
      error: () => transient('STEP.TRANSIENT', 'HTTP 503'),
      times: 1,
    });
    const { deps, input, runs } = setup('provision', steps);
    await expect(runJob(deps, input)).rejects.toMatchObject({ code: 'STEP.TRANSIENT', transient: true });
    const interrupted = await runs.get('r1');
    expect(interrupted).toMatchObject({ status: 'running', checkpoint: planFor('provision').indexOf('configure') });
    expect(interrupted?.error).toMatchObject({ step: 'configure', message: 'HTTP 503' });

    const run = await runJob(deps, input);
    expect(run.status).toBe('succeeded');
    expect(effects).toEqual(planFor('provision'));
  });

  it('fails the run at once on a permanent error and says which step', async () => {
    const effects: string[] = [];
    const steps = recordingSteps(effects, {
      step: 'find-vm',
      error: () => permanent('RUNNER.NOT_OURS', 'VM 120 is not managed by runnerbot'),
      times: 1,
    });
    const { deps, input, runs, audit } = setup('provision', steps);
    const failure = await runJob(deps, input).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RunnerbotError);
    expect(failure).toMatchObject({ code: 'RUNNER.NOT_OURS', transient: false });
    expect(await runs.get('r1')).toMatchObject({
      status: 'failed',
      error: { code: 'RUNNER.NOT_OURS', step: 'find-vm' },
    });
    expect(effects).toEqual([]);
    expect(audit.entries.at(-1)).toMatchObject({
      type: 'job-end',
      detail: { outcome: 'failed', code: 'RUNNER.NOT_OURS' },
    });
  });

  it('fails the run when a transient error hits the final attempt', async () => {
    const steps = recordingSteps([], {
      step: 'start',
      error: () => transient('STEP.TRANSIENT', 'still locked'),
      times: 1,
    });
    const { deps, input, runs } = setup('provision', steps);
    await expect(runJob(deps, { ...input, finalAttempt: true })).rejects.toMatchObject({ transient: false });
    expect((await runs.get('r1'))?.status).toBe('failed');
  });

  it('with onFailure destroy removes the runner and VM it made', async () => {
    const effects: string[] = [];
    const steps = recordingSteps(effects, {
      step: 'verify',
      error: () => permanent('REMOTE.PHASE_FAILED', 'verify failed'),
      times: 1,
    });
    const { deps, input, runs } = setup('provision', steps, 'destroy');
    await runs.update('r1', { outputs: { runnerId: 7 } });
    await expect(runJob(deps, input)).rejects.toMatchObject({ code: 'REMOTE.PHASE_FAILED' });
    expect(effects.slice(-3)).toEqual(['delete-runner', 'stop-vm', 'delete-vm']);
    const failed = await runs.get('r1');
    expect(failed?.outputs.vmid).toBeUndefined();
    expect(failed?.outputs.runnerId).toBeUndefined();
  });

  it('stops between steps when the worker shuts down, leaving the run to resume', async () => {
    const controller = new AbortController();
    const steps = recordingSteps([]);
    const original = steps['clone'];
    steps['clone'] = {
      ...original,
      apply: async (ctx) => {
        controller.abort();
        return original.apply(ctx);
      },
    };
    const { deps, input, runs } = setup('provision', steps);
    await expect(runJob(deps, { ...input, signal: controller.signal })).rejects.toMatchObject({ transient: true });
    expect(await runs.get('r1')).toMatchObject({
      status: 'running',
      checkpoint: planFor('provision').indexOf('clone') + 1,
    });
  });

  it('does nothing for a run that already finished (a redelivered job)', async () => {
    const effects: string[] = [];
    const { deps, input, runs } = setup('provision', recordingSteps(effects));
    await runs.update('r1', { status: 'succeeded' });
    expect((await runJob(deps, input)).status).toBe('succeeded');
    expect(effects).toEqual([]);
  });

  it('checks the runner lock before every step', async () => {
    const { deps, input } = setup('deprovision', recordingSteps([]));
    const lock = heldLock();
    lock.lost = true;
    await expect(runJob(deps, { ...input, lock })).rejects.toMatchObject({ transient: true });
  });
});

describe('runJob save()', () => {
  it('keeps what a step saved mid-way even when the step then fails', async () => {
    const steps = recordingSteps([]);
    steps['clone'] = {
      name: 'clone',
      check: async () => ({ done: false }),
      apply: async (ctx) => {
        await ctx.save?.({ cloneUpid: 'UPID:pve1:1:2:3:qmclone:9001:root@pam:' });
        throw transient('STEP.TRANSIENT', 'connection reset');
      },
    };
    const { deps, input, runs } = setup('provision', steps);
    await expect(runJob(deps, input)).rejects.toMatchObject({ transient: true });
    expect((await runs.get('r1'))?.outputs.cloneUpid).toMatch(/^UPID:/);
  });
});
