// Issue 4: a `runnerbot worker` process stopped with SIGTERM while a provision step runs on the VM
// (apt waiting for the dpkg lock). It takes no new work, lets the step finish within
// worker.drainSeconds (or gives up at that limit), exits, and another worker process finishes the run.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_STATUSES, type RunRecord } from '../../src/core/run.ts';
import { fleetProblems, runnersNamed, vmsNamed } from './support/fleet-check.ts';
import { startJobsWorld, stepIndex, type JobsWorld } from './support/jobs-world.ts';
import { loggedRunEnd, stepsFinishedBy, type WorkerProcess } from './support/runnerbot-worker.ts';
import { holdDpkgLock, type Hold } from './support/vm-holds.ts';

const DRAIN_SECONDS = 8;

let world: JobsWorld;
beforeAll(async () => {
  world = await startJobsWorld({ worker: { drainSeconds: DRAIN_SECONDS } });
}, 120_000);
afterEach(() => world?.killWorkers());
afterAll(() => world?.close(), 60_000);

/** A worker runs the provision until bootstrap-docker waits for apt, then gets SIGTERM. */
async function stoppedDuringBootstrap(runner: string): Promise<{ run: RunRecord; first: WorkerProcess; hold: Hold }> {
  const hold = holdDpkgLock(world.sims, runner);
  const first = await world.startWorker(`${runner}-first`);
  const requested = await world.request('provision', runner);
  if (!requested.ok) throw new Error(requested.error.message);
  const aptWaiting = async (run: RunRecord) =>
    run.checkpoint === stepIndex(run, 'bootstrap-docker') &&
    (await world.sims.farm!.calls(run.outputs.vmid!)).some((call) => call.cmd === 'apt-get');
  const run = await world.waitForRun(requested.value.run.id, aptWaiting, 'apt-get waiting in bootstrap-docker');
  first.kill('SIGTERM');
  await first.waitForLog((line) => line.msg === 'stopping', 'that it is stopping');
  return { run, first, hold };
}

async function completesOn(worker: WorkerProcess, run: RunRecord): Promise<RunRecord> {
  const finished = await world.waitForRun(run.id, (r) => FINAL_STATUSES.includes(r.status), 'to an end');
  expect(finished.status).toBe('succeeded');
  await loggedRunEnd(worker, run.id);
  expect(vmsNamed(world.sims, run.runner)).toHaveLength(1);
  expect(runnersNamed(world.sims, run.runner)).toEqual([
    expect.objectContaining({ id: finished.outputs.runnerId, contactedAt: expect.any(Number) }),
  ]);
  expect(fleetProblems(world.sims)).toEqual([]);
  return finished;
}

describe('SIGTERM while a step runs', () => {
  it('lets the step finish, exits within the drain timeout, and the run completes on another worker', async () => {
    const { run, first, hold } = await stoppedDuringBootstrap('gitlab-runner-21');
    expect((await world.run(run.id)).checkpoint).toBe(stepIndex(run, 'bootstrap-docker'));
    await hold.release();

    expect(await first.exited, JSON.stringify(first.lines.slice(-8))).toEqual({ code: 0, signal: null });
    expect(first.lines.find((line) => line.msg === 'run worker stopping')).toMatchObject({
      drained: true,
      abandoned: 0,
    });
    expect(stepsFinishedBy(first, run.id).at(-1)).toBe('bootstrap-docker');
    expect(await world.run(run.id)).toMatchObject({
      status: 'running',
      checkpoint: stepIndex(run, 'bootstrap-runner'),
    });

    const second = await world.startWorker('gitlab-runner-21-second');
    const finished = await completesOn(second, run);
    expect(stepsFinishedBy(second, run.id)[0]).toBe('bootstrap-runner');
    expect(finished.outputs.phases).toMatchObject({ docker: 'applied' });
  });

  it('a step that outlasts the drain timeout: the process exits at the limit and the step is done again elsewhere', async () => {
    const { run, first, hold } = await stoppedDuringBootstrap('gitlab-runner-22');

    expect(await first.exited, JSON.stringify(first.lines.slice(-8))).toEqual({ code: 0, signal: null });
    expect(first.lines.find((line) => line.msg === 'run worker stopping')).toMatchObject({
      drained: false,
      abandoned: 1,
    });
    expect(stepsFinishedBy(first, run.id)).not.toContain('bootstrap-docker');
    expect(await world.run(run.id)).toMatchObject({
      status: 'running',
      checkpoint: stepIndex(run, 'bootstrap-docker'),
    });

    await hold.release();
    const second = await world.startWorker('gitlab-runner-22-second');
    await completesOn(second, run);
    expect(stepsFinishedBy(second, run.id)[0]).toBe('bootstrap-docker');
  });
});
