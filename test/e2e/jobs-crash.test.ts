// Issue 4: a `runnerbot worker` process killed with SIGKILL at four points of a real provision
// (Proxmox, GitLab and sshd simulated); another worker process finishes the run, and the fleet
// holds exactly one VM and one GitLab runner for it, with nothing left over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_STATUSES, type RunRecord } from '../../src/core/run.ts';
import { fleetProblems, runnersNamed, vmsNamed } from './support/fleet-check.ts';
import { startJobsWorld, stepIndex, type JobsWorld } from './support/jobs-world.ts';
import { finishedRun, loggedRunEnd, type WorkerProcess } from './support/runnerbot-worker.ts';
import { configuredSecrets, everythingOutsideTheVms } from './support/secret-scan.ts';
import { holdConfigToml, holdDpkgLock } from './support/vm-holds.ts';

let world: JobsWorld;
beforeAll(async () => {
  world = await startJobsWorld();
}, 120_000);
afterAll(() => world?.close(), 60_000);

const at = (step: string) => (run: RunRecord) => run.status === 'running' && run.checkpoint === stepIndex(run, step);
const cloneTasks = () => [...world.sims.proxmox.tasks.values()].filter((task) => task.type === 'qmclone');

/** With two idle workers (the last test's survivor and a new one), asks for the runner, and SIGKILLs the worker that took it once `point` holds. */
async function killedAt(runner: string, point: (run: RunRecord) => boolean | Promise<boolean>, what: string) {
  const live = world.liveWorkers();
  const workers = [
    ...live,
    ...(await Promise.all(['a', 'b'].slice(live.length).map((n) => world.startWorker(`${runner}-${n}`)))),
  ];
  const requested = await world.request('provision', runner);
  if (!requested.ok) throw new Error(requested.error.message);
  const run = await world.waitForRun(requested.value.run.id, point, what);
  const [victim, survivor] = workers[0]!.lines.some((line) => line.runId === run.id)
    ? [workers[0]!, workers[1]!]
    : [workers[1]!, workers[0]!];
  expect(victim.lines.some((line) => line.msg === 'run-started' && line.runId === run.id)).toBe(true);
  victim.kill('SIGKILL');
  expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
  return { run, victim, survivor };
}

/** The other worker process finishes the run: one VM, one runner, no orphan, no token spilled anywhere. */
async function completesElsewhere({
  run,
  victim,
  survivor,
}: {
  run: RunRecord;
  victim: WorkerProcess;
  survivor: WorkerProcess;
}): Promise<RunRecord> {
  const finished = await world.waitForRun(run.id, (r) => FINAL_STATUSES.includes(r.status), 'to an end');
  expect(finished).toMatchObject({ status: 'succeeded', checkpoint: finished.plan.length });
  await loggedRunEnd(survivor, run.id);
  expect(finishedRun(victim, run.id)).toBe(false);
  expect(vmsNamed(world.sims, run.runner).map((vm) => vm.vmid)).toEqual([finished.outputs.vmid]);
  expect(runnersNamed(world.sims, run.runner)).toEqual([
    expect.objectContaining({ id: finished.outputs.runnerId, contactedAt: expect.any(Number) }),
  ]);
  expect(fleetProblems(world.sims)).toEqual([]);
  const seen = await everythingOutsideTheVms(world);
  expect(seen).toContain(run.id);
  expect(seen).not.toMatch(/glrt-/);
  for (const secret of configuredSecrets(world)) expect(seen).not.toContain(secret);
  return finished;
}

describe('a worker killed with SIGKILL in the middle of a provision', () => {
  it('during the clone (its Proxmox task still running): the new worker waits for that task, never clones twice', async () => {
    const clonesBefore = cloneTasks().length;
    world.sims.proxmox.timing.cloneTaskMs = 3_000;
    const cloneRunning = (run: RunRecord) =>
      at('clone')(run) && world.sims.proxmox.tasks.get(String(run.outputs.cloneUpid))?.status === 'running';
    const killed = await killedAt('gitlab-runner-11', cloneRunning, 'its clone task running');
    world.sims.proxmox.timing.cloneTaskMs = 30;

    const finished = await completesElsewhere(killed);
    expect(cloneTasks().length - clonesBefore).toBe(1);
    expect(finished.outputs.cloneUpid).toBe(killed.run.outputs.cloneUpid);
  });

  it('between create-runner and write-config, when the glrt- token lived only in its memory: the runner is kept and given a new token', async () => {
    const hold = holdConfigToml(world.sims, 'gitlab-runner-12');
    const killed = await killedAt('gitlab-runner-12', at('write-config'), 'its GitLab runner created');
    const created = killed.run.outputs.runnerId;
    expect(runnersNamed(world.sims, killed.run.runner).map((r) => r.id)).toEqual([created]);
    await hold.release();

    const finished = await completesElsewhere(killed);
    expect(finished.outputs.runnerId).toBe(created);
    const resets = world.sims.gitlab
      .requests()
      .filter((r) => r.method === 'POST' && r.path === `/api/v4/runners/${created}/reset_authentication_token`);
    expect(resets).toHaveLength(1);
    expect(await world.sims.farm!.readFile(finished.outputs.vmid!, '/etc/gitlab-runner/config.toml')).toMatch(
      /token = "glrt-/,
    );
  });

  it('during a bootstrap phase (apt waiting for the dpkg lock): the phase runs again on the new worker', async () => {
    const hold = holdDpkgLock(world.sims, 'gitlab-runner-13');
    const aptStarted = async (run: RunRecord) =>
      at('bootstrap-docker')(run) &&
      (await world.sims.farm!.calls(run.outputs.vmid!)).some((call) => call.cmd === 'apt-get');
    const killed = await killedAt('gitlab-runner-13', aptStarted, 'apt-get running in bootstrap-docker');
    await hold.release();

    const finished = await completesElsewhere(killed);
    expect(finished.outputs.phases).toMatchObject({
      docker: 'applied',
      runner: 'applied',
      firewall: 'applied',
      monitoring: 'applied',
    });
    expect(await world.sims.farm!.metricsPorts(finished.outputs.vmid!)).toEqual(
      expect.arrayContaining([9100, 8080, 9252]),
    );
  });

  it('during verify (GitLab slow to answer the runner check): the new worker verifies the same runner', async () => {
    world.sims.gitlab.faults.set('POST /api/v4/runners/verify', { latencyMs: 5_000 });
    const verifyRequests = () => world.sims.gitlab.requests().filter((r) => r.path === '/api/v4/runners/verify').length;
    const before = verifyRequests();
    const verifying = (run: RunRecord) => at('verify')(run) && verifyRequests() > before;
    const killed = await killedAt('gitlab-runner-14', verifying, 'its runner check sent to GitLab');
    world.sims.gitlab.faults.clear();

    const finished = await completesElsewhere(killed);
    expect(finished.outputs.runnerId).toBe(killed.run.outputs.runnerId);
    expect(finished.outputs.vmid).toBe(killed.run.outputs.vmid);
  });
});
