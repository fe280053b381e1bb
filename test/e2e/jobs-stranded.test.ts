// Issue 12, finding 3: a bot killed (SIGKILL) between writing the run record and adding its job
// used to strand the request: the run stayed `queued` with no job for good, and every later
// request for that name got RUNNER.BUSY. A worker now finds such a run and queues it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetProblems, runnersNamed, vmsNamed } from './support/fleet-check.ts';
import { startJobsWorld, type JobsWorld } from './support/jobs-world.ts';

const REQUEST_PROCESS = new URL('./support/request-process.ts', import.meta.url).pathname;

let world: JobsWorld;
beforeAll(async () => {
  world = await startJobsWorld({ worker: { strandedAfterSeconds: 1 } });
}, 120_000);
afterAll(() => world?.close(), 60_000);

/** Starts a bot's request for `runner` and SIGKILLs the process while it posts the root message. */
async function botKilledMidRequest(runner: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', REQUEST_PROCESS, runner], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...world.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  for await (const line of createInterface({ input: child.stdout })) {
    const posting = (JSON.parse(line) as { posting?: string }).posting;
    if (!posting) continue;
    child.kill('SIGKILL');
    await exited;
    return posting;
  }
  throw new Error('the request process ended without posting');
}

describe('a bot killed between the run record and the job', () => {
  it('leaves a request that a worker queues: it runs to one VM and one runner, and the name is free again', async () => {
    const runId = await botKilledMidRequest('gitlab-runner-60');
    expect((await world.run(runId)).status).toBe('queued');
    expect(await world.stores.queue.hasJob(runId)).toBe(false);
    const again = await world.request('provision', 'gitlab-runner-60');
    expect(again.ok ? 'accepted' : again.error.code).toBe('RUNNER.BUSY');

    await world.startWorker('sweeper');
    const finished = await world.waitForRun(
      runId,
      (run) => run.status === 'succeeded' || run.status === 'failed',
      'to an end',
    );
    expect(finished.status).toBe('succeeded');
    expect(vmsNamed(world.sims, 'gitlab-runner-60')).toHaveLength(1);
    expect(runnersNamed(world.sims, 'gitlab-runner-60')).toHaveLength(1);
    expect(fleetProblems(world.sims)).toEqual([]);
    expect(await world.stores.runs.activeFor('gitlab-runner-60')).toBeNull();
  });
});
