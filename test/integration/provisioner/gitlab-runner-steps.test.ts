// The runner steps (create-runner, pause-runner, delete-runner) with the real GitLab adapter
// against the GitLab simulator, run the way run-job runs them: check, then apply when not done,
// outputs merged into the run after each step.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/core/ports.ts';
import type { RunOutputs, RunRecord } from '../../../src/core/run.ts';
import type { ProvisionSettings } from '../../../src/core/settings.ts';
import {
  createRunner,
  deleteRunner,
  isRunnerOnline,
  pauseRunner,
  runnerToken,
} from '../../../src/app/steps/runner-steps.ts';
import type { JobMemory, Step, StepContext, StepDeps } from '../../../src/app/steps/step.ts';
import { createGitlabRegistry } from '../../../src/provisioner/gitlab.ts';
import { startGitlabSim, type GitlabSim } from '../../../sim/gitlab/index.ts';
import { runRecord } from '../../support/run-record.ts';

let sim: GitlabSim;
beforeEach(async () => {
  sim = await startGitlabSim();
});
afterEach(() => sim.close());

/** A clock that only moves when slept on; `onSleep` lets a test act between polls. */
function steppingClock(onSleep: (sleeps: number) => void = () => undefined): Clock & { sleeps: number } {
  let now = 1_000_000;
  const clock = {
    sleeps: 0,
    now: () => now,
    async sleep(ms: number) {
      now += ms;
      clock.sleeps += 1;
      onSleep(clock.sleeps);
    },
  };
  return clock;
}

const settings = {
  pollMs: 1_000,
  timeouts: { drainJobsMs: 10_000 },
  gitlab: { maximumTimeout: 7200 },
} as ProvisionSettings;

function newRun(outputs: RunOutputs = {}): RunRecord {
  return runRecord({
    id: 'r_test',
    plan: ['create-runner'],
    status: 'running',
    outputs,
    spec: {
      diskGiB: 40,
      tags: ['docker', 'build'],
      concurrency: 2,
      defaultImage: 'alpine:3.20',
      allowedPullPolicies: ['if-not-present'],
      volumes: ['/cache'],
    },
  });
}

/** Only the ports these steps use exist; touching any other one fails the test. */
function stepDeps(clock: Clock): StepDeps {
  const registry = createGitlabRegistry({ url: sim.url, token: sim.token, runnerType: 'instance_type' });
  const used = { registry, clock, settings };
  return new Proxy(used, {
    get: (target, key) => {
      if (key in target) return target[key as keyof typeof target];
      throw new Error(`runner steps must not use deps.${String(key)}`);
    },
  }) as unknown as StepDeps;
}

/** One step as run-job runs it; returns the run with the step's outputs merged and whether it applied. */
async function runStep(step: Step, run: RunRecord, deps: StepDeps, memory: JobMemory = {}) {
  const ctx: StepContext = { run, deps, memory, signal: new AbortController().signal };
  const check = await step.check(ctx);
  const outputs = check.done ? (check.outputs ?? {}) : ((await step.apply(ctx)) ?? {});
  return { run: { ...run, outputs: { ...run.outputs, ...outputs } }, applied: !check.done, memory };
}

const posts = () => sim.requests().filter((r) => r.operationId === 'postApiV4UserRunners').length;

describe('create-runner', () => {
  it('creates one locked runner named after the VM, keeps the token in memory only, and is done the second time', async () => {
    const deps = stepDeps(steppingClock());
    const first = await runStep(createRunner, newRun(), deps);
    expect(first.applied).toBe(true);
    expect(first.memory.runnerToken).toMatch(/^glrt-/);
    expect(first.run.outputs).toEqual({ runnerId: 1 });
    expect(sim.runners()).toMatchObject([
      {
        id: 1,
        description: 'gitlab-runner-02',
        tagList: ['docker', 'build'],
        locked: true,
        runUntagged: false,
        paused: false,
        maximumTimeout: 7200,
      },
    ]);

    const again = await runStep(createRunner, first.run, deps);
    expect(again.applied).toBe(false);
    expect(again.memory.runnerToken).toBeUndefined();
    expect([posts(), sim.runners().length]).toEqual([1, 1]);
  });

  it('adopts the runner a crashed attempt created before its id was saved, and issues it a fresh token', async () => {
    const deps = stepDeps(steppingClock());
    const lost = await runStep(createRunner, newRun(), deps);
    const resumed = await runStep(createRunner, newRun(), deps);
    expect(resumed.applied).toBe(false);
    expect(resumed.run.outputs.runnerId).toBe(lost.run.outputs.runnerId);
    expect(sim.runners()).toHaveLength(1);

    const ctx = { run: resumed.run, deps, memory: resumed.memory, signal: new AbortController().signal };
    const token = await runnerToken(ctx);
    expect(token).not.toBe(lost.memory.runnerToken);
    expect(await runnerToken(ctx)).toBe(token);
    const verify = (t: string | undefined) =>
      fetch(`${sim.url}/api/v4/runners/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: t }),
      });
    expect((await verify(lost.memory.runnerToken)).status).toBe(403);
    expect(await isRunnerOnline(deps.registry, 1)).toBe(false);
    expect((await verify(token)).status).toBe(200);
    expect(await isRunnerOnline(deps.registry, 1)).toBe(true);
  });

  it('creates a new runner when the recorded one was deleted in GitLab', async () => {
    const deps = stepDeps(steppingClock());
    const first = await runStep(createRunner, newRun(), deps);
    await deps.registry.deleteRunner(1);
    const again = await runStep(createRunner, first.run, deps);
    expect([again.applied, again.run.outputs.runnerId, sim.runners().map((r) => r.id)]).toEqual([true, 2, [2]]);
  });
});

describe('pause-runner and delete-runner', () => {
  async function provisioned(deps: StepDeps) {
    const { run } = await runStep(createRunner, newRun(), deps);
    return run;
  }

  it('pauses, waits until the running jobs finish, then delete removes the runner', async () => {
    let runnerId = 0;
    let jobId = 0;
    const clock = steppingClock((n) => n === 3 && sim.finishJob(runnerId, jobId));
    const deps = stepDeps(clock);
    const run = await provisioned(deps);
    runnerId = run.outputs.runnerId as number;
    jobId = sim.addJob(runnerId).id;

    const paused = await runStep(pauseRunner, { ...run, kind: 'deprovision' }, deps);
    expect(paused.applied).toBe(true);
    expect(paused.run.outputs).toEqual({ runnerId });
    expect(clock.sleeps).toBe(3);
    expect(sim.runners()[0]).toMatchObject({ paused: true, jobs: [{ id: jobId, status: 'success' }] });
    const order = sim
      .requests()
      .map((r) => r.operationId)
      .filter((o) => o === 'putApiV4RunnersId' || o === 'getApiV4RunnersIdJobs');
    expect(order[0]).toBe('putApiV4RunnersId');

    expect((await runStep(pauseRunner, paused.run, deps)).applied).toBe(false);
    const deleted = await runStep(deleteRunner, paused.run, deps);
    expect(deleted.applied).toBe(true);
    expect(sim.runners()).toEqual([]);
    expect((await runStep(deleteRunner, deleted.run, deps)).applied).toBe(false);
    await expect(
      deleteRunner.apply({ run: deleted.run, deps, memory: {}, signal: new AbortController().signal }),
    ).resolves.toEqual({ removedRunnerIds: [1] }); // nothing more removed
  });

  it('stops waiting at the drain limit and records the jobs it left running', async () => {
    const clock = steppingClock();
    const deps = stepDeps(clock);
    const run = await provisioned(deps);
    sim.addJob(1);
    sim.addJob(1);
    const paused = await runStep(pauseRunner, run, deps);
    expect(paused.run.outputs).toEqual({ runnerId: 1, jobsLeftRunning: 2 });
    expect(clock.sleeps).toBe(settings.timeouts.drainJobsMs / settings.pollMs);
  });

  it('finds the runner by its description when the run has no runner id', async () => {
    const deps = stepDeps(steppingClock());
    await provisioned(deps);
    const deprovision = { ...newRun(), kind: 'deprovision' as const };
    const paused = await runStep(pauseRunner, deprovision, deps);
    expect(paused.run.outputs.runnerId).toBe(1);
    await runStep(deleteRunner, deprovision, deps);
    expect(sim.runners()).toEqual([]);
  });

  it('is done at once when the runner is already gone', async () => {
    const deps = stepDeps(steppingClock());
    const gone = newRun({ runnerId: 41 });
    expect((await runStep(pauseRunner, gone, deps)).applied).toBe(false);
    expect((await runStep(deleteRunner, gone, deps)).applied).toBe(false);
    expect(sim.requests().every((r) => r.method === 'GET')).toBe(true);
  });

  it('never lets a runner token reach the run, the errors or the simulator log', async () => {
    const deps = stepDeps(steppingClock());
    const created = await runStep(createRunner, newRun(), deps);
    const token = created.memory.runnerToken as string;
    sim.faults.set('PUT /api/v4/runners/', { errorRate: 1, status: 403, body: { message: `403 Forbidden ${token}` } });
    const error = await runStep(pauseRunner, created.run, deps).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'GITLAB.FORBIDDEN' });
    expect(
      JSON.stringify([created.run, sim.requests(), sim.runners(), String(error), (error as Error).stack]),
    ).not.toContain(token);
  });
});
