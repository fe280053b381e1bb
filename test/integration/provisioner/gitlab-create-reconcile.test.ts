// Issue 12, finding 4: GitLab can finish `POST /user/runners` after the client gave up
// (vendor-behaviour.md 6). The retry used to create a second runner of the same name, and
// deprovision deleted one of the two and reported success. Here the GitLab simulator commits a
// create after runnerbot's request timed out, with the real adapter and steps.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunner, deleteRunner } from '../../../src/app/steps/runner-steps.ts';
import type { Step, StepContext, StepDeps } from '../../../src/app/steps/step.ts';
import type { RunOutputs, RunRecord } from '../../../src/core/run.ts';
import type { ProvisionSettings } from '../../../src/core/settings.ts';
import { createGitlabRegistry } from '../../../src/provisioner/gitlab.ts';
import { systemClock } from '../../../src/system.ts';
import { eventually } from '../../support/eventually.ts';
import { startGitlabSim, type GitlabSim } from '../../../sim/gitlab/index.ts';

let sim: GitlabSim;
beforeEach(async () => {
  sim = await startGitlabSim();
});
afterEach(() => sim.close());

const NAME = 'gitlab-runner-70';
const settings = {
  pollMs: 50,
  timeouts: { drainJobsMs: 1_000 },
  gitlab: { createSettleMs: 10_000 },
} as ProvisionSettings;

function deps(requestTimeoutMs = 5_000): StepDeps {
  const registry = createGitlabRegistry({
    url: sim.url,
    token: sim.token,
    runnerType: 'instance_type',
    requestTimeoutMs,
  });
  return { registry, clock: systemClock, settings } as unknown as StepDeps;
}

function newRun(outputs: RunOutputs = {}): RunRecord {
  return {
    id: 'r_reconcile',
    kind: 'provision',
    runner: NAME,
    plan: ['create-runner'],
    requester: { userId: 'U1', via: 'cli' },
    status: 'running',
    checkpoint: 0,
    outputs,
    createdAt: 0,
    updatedAt: 0,
    spec: {
      name: NAME,
      profile: 'build',
      cores: 2,
      memoryMiB: 4096,
      diskGiB: 40,
      tags: ['docker'],
      concurrency: 2,
      privileged: false,
      defaultImage: 'alpine:3.20',
      allowedImages: [],
      allowedServices: [],
      allowedPullPolicies: ['if-not-present'],
      volumes: [],
    },
  };
}

/** One attempt of a step as run-job makes it: check, apply, outputs saved as they come (also on failure). */
async function attempt(step: Step, run: RunRecord, stepDeps: StepDeps): Promise<RunRecord> {
  const ctx: StepContext = { run, deps: stepDeps, memory: {}, signal: new AbortController().signal };
  ctx.save = async (outputs) => void (ctx.run = { ...ctx.run, outputs: { ...ctx.run.outputs, ...outputs } });
  const check = await step.check(ctx);
  const outputs = check.done ? (check.outputs ?? {}) : ((await step.apply(ctx)) ?? {});
  return { ...ctx.run, outputs: { ...ctx.run.outputs, ...outputs } };
}

/** Like `attempt`, but its apply times out (after `timeoutMs`); returns the run as saved. */
async function timedOutAttempt(step: Step, run: RunRecord, timeoutMs: number): Promise<RunRecord> {
  let saved = run;
  const ctx: StepContext = { run, deps: deps(), memory: {}, signal: new AbortController().signal };
  ctx.save = async (outputs) => void (saved = ctx.run = { ...ctx.run, outputs: { ...ctx.run.outputs, ...outputs } });
  if ((await step.check(ctx)).done) throw new Error('expected the step to apply');
  await expect(step.apply({ ...ctx, deps: deps(timeoutMs) })).rejects.toMatchObject({
    code: 'STEP.TRANSIENT',
    message: expect.stringContaining('timed out'),
  });
  return saved;
}

const named = () => sim.runners().filter((r) => r.description === NAME);
const creates = () => sim.requests().filter((r) => r.method === 'POST' && r.path === '/api/v4/user/runners');

describe('a runner create that GitLab completes after the client timed out', () => {
  it('is found by the retry, which creates no second runner', async () => {
    sim.faults.set('POST /api/v4/user/runners', { latencyMs: 1_000, times: 1 });
    const afterTimeout = await timedOutAttempt(createRunner, newRun(), 300);
    expect(named()).toEqual([]); // GitLab has not finished it yet

    const retried = await attempt(createRunner, afterTimeout, deps());
    await eventually(() => creates().every((r) => r.status !== 'dropped'), 10_000, 'every create to be answered');
    expect(named().map((r) => r.id)).toEqual([retried.outputs.runnerId]);
    expect(creates()).toHaveLength(1);
    expect(retried.outputs.runnerCreateStartedAt).toBeUndefined();
  });

  it('removes a runner of its name that lands while it creates its own (an earlier lost create), keeping its own', async () => {
    const run = newRun({ runnerCreateStartedAt: Date.now() - 60_000 }); // an earlier create, its settle time over
    sim.faults.set('POST /api/v4/user/runners', { latencyMs: 500, times: 1 });
    const creating = attempt(createRunner, run, deps());
    await eventually(() => creates().length === 1, 10_000, 'the create to be sent');
    const late = await deps().registry.createRunner({
      description: NAME,
      tagList: [],
      runUntagged: false,
      locked: true,
    });
    const created = await creating;
    expect(created.outputs.runnerId).not.toBe(late.id);
    expect(named().map((r) => r.id)).toEqual([created.outputs.runnerId]);
  });
});

describe('delete-runner', () => {
  it('removes every runner of the name, not just the recorded one, and says which', async () => {
    const registry = deps().registry;
    const a = await registry.createRunner({ description: NAME, tagList: [], runUntagged: false, locked: true });
    const b = await registry.createRunner({ description: NAME, tagList: [], runUntagged: false, locked: true });
    const other = await registry.createRunner({
      description: 'gitlab-runner-71',
      tagList: [],
      runUntagged: false,
      locked: true,
    });
    const done = await attempt(
      deleteRunner,
      { ...newRun({ runnerId: a.id }), kind: 'deprovision', plan: ['delete-runner'] },
      deps(),
    );
    expect(done.outputs.removedRunnerIds).toEqual([a.id, b.id]);
    expect(sim.runners().map((r) => r.id)).toEqual([other.id]);
  });
});
