// Issue 4: two people ask for the same runner at the same moment, through two bot replicas (two
// Redis connections), and a real `runnerbot worker` process does the work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_STATUSES } from '../../src/core/run.ts';
import { fleetProblems, runnersNamed, vmsNamed } from './support/fleet-check.ts';
import { APPROVER, OPERATOR, startJobsWorld, type JobsWorld } from './support/jobs-world.ts';
import { loggedRunEnd } from './support/runnerbot-worker.ts';

let world: JobsWorld;
beforeAll(async () => {
  world = await startJobsWorld();
}, 120_000);
afterAll(() => world?.close(), 60_000);

const RUNNERS = ['gitlab-runner-02', 'gitlab-runner-03'];

describe('two requests for one runner at the same moment', () => {
  it('start one run and build one VM; the other requester is told which run is active, until it ends', async () => {
    const replica = world.replica();
    const outcomes = await Promise.all(
      RUNNERS.flatMap((runner) => [
        world.request('provision', runner, OPERATOR),
        replica.request('provision', runner, APPROVER),
      ]),
    );

    const runs = [];
    for (const [index, runner] of RUNNERS.entries()) {
      const pair = outcomes.slice(index * 2, index * 2 + 2);
      const accepted = pair.flatMap((o) => (o.ok ? [o.value.run] : []));
      const refused = pair.flatMap((o) => (o.ok ? [] : [o.error]));
      expect(accepted).toHaveLength(1);
      expect(refused).toEqual([
        {
          code: 'RUNNER.BUSY',
          message: `${runner} already has a provision (queued) in progress: run ${accepted[0]!.id}`,
        },
      ]);
      runs.push(accepted[0]!);
    }
    const jobs = await world.stores.queue.queue.getJobs(['wait', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.map((job) => job.id).sort()).toEqual(runs.map((run) => run.id).sort());

    const worker = await world.startWorker('worker-1');
    const running = await world.waitForRun(runs[0]!.id, (run) => run.status === 'running', 'started');
    const again = await replica.request('provision', RUNNERS[0]!, OPERATOR);
    expect(again).toEqual({
      ok: false,
      error: {
        code: 'RUNNER.BUSY',
        message: `${RUNNERS[0]} already has a provision (running) in progress: run ${running.id}`,
      },
    });

    for (const run of runs) {
      const finished = await world.waitForRun(run.id, (r) => FINAL_STATUSES.includes(r.status), 'to an end');
      expect(finished).toMatchObject({ status: 'succeeded' });
      await loggedRunEnd(worker, run.id);
      expect(vmsNamed(world.sims, run.runner)).toHaveLength(1);
      expect(runnersNamed(world.sims, run.runner)).toEqual([
        expect.objectContaining({ id: finished.outputs.runnerId }),
      ]);
    }
    expect(fleetProblems(world.sims)).toEqual([]);

    const afterwards = await replica.request('deprovision', RUNNERS[0]!, OPERATOR);
    expect(afterwards).toMatchObject({ ok: true, value: { awaitingApproval: true } });
  });
});
