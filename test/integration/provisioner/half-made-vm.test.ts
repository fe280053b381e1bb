// Issue 12, finding 2 (the VM left behind): a run that ended between its clone and its configure
// step leaves an untagged VM. That VM carries runnerbot's mark in its description from the moment
// it exists, so the next provision adopts it and deprovision removes it — it used to block the
// runner's name for good (RUNNER.NOT_OURS from both).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cloneVm,
  configure,
  confirmVm,
  deleteVm,
  findVm,
  reserveVmid,
  resizeDisk,
  startVm,
  stopVm,
  waitIp,
} from '../../../src/app/steps/vm-steps.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';
import { runSteps, testDeps, testRun } from '../../../sim/proxmox/harness.ts';

const PROVISION = [findVm, reserveVmid, cloneVm, configure, resizeDisk, startVm, waitIp];
const DEPROVISION = [confirmVm, stopVm, deleteVm];

let sim: ProxmoxSim;
beforeEach(async () => {
  sim = await startProxmoxSim({ timing: { taskMs: 10, agentBootMs: 30 } });
});
afterEach(() => sim.close());

const named = (name: string) => [...sim.state.vms.values()].filter((vm) => vm.config.name === name);

/** What a run that failed right after its clone leaves: the VM as cloned, no tags. */
async function halfMade(name: string): Promise<number> {
  const { run } = await runSteps([reserveVmid, cloneVm], testDeps(sim), testRun(name));
  const vm = sim.vm(run.outputs.vmid!)!;
  expect(vm.config.tags ?? '').toBe('');
  expect(vm.config.description).toContain(`${name}: managed by runnerbot (run ${run.id})`);
  return vm.vmid;
}

describe('a VM left half-made by an earlier run', () => {
  it('is adopted by the next provision of that name, which finishes it', async () => {
    const vmid = await halfMade('gitlab-runner-80');
    const next = await runSteps(PROVISION, testDeps(sim), testRun('gitlab-runner-80'));
    expect(next.run.outputs.vmid).toBe(vmid);
    expect(next.applied.slice(0, 2)).toEqual(['configure', 'resize-disk']); // no second clone
    expect(named('gitlab-runner-80').map((vm) => [vm.vmid, vm.status])).toEqual([[vmid, 'running']]);
  });

  it("is removed by deprovision, with every other VM of runnerbot's under that name, and the removal is listed", async () => {
    const first = await halfMade('gitlab-runner-81');
    const finished = await runSteps(PROVISION, testDeps(sim), { ...testRun('gitlab-runner-81'), outputs: {} });
    expect(finished.run.outputs.vmid).toBe(first);
    const second = await halfMade('gitlab-runner-81'); // a second half-made clone of that name
    expect(named('gitlab-runner-81')).toHaveLength(2);

    const removal = await runSteps(DEPROVISION, testDeps(sim), {
      ...testRun('gitlab-runner-81'),
      kind: 'deprovision',
      outputs: { vmid: first, node: 'pve1' },
    });
    expect(named('gitlab-runner-81')).toEqual([]);
    expect(removal.run.outputs.removedVmids).toEqual([first, second]);
  });

  it("is still refused when its description lacks runnerbot's mark", async () => {
    const vmid = await halfMade('gitlab-runner-82');
    sim.vm(vmid)!.config.description = 'hand-made';
    await expect(runSteps(PROVISION, testDeps(sim), testRun('gitlab-runner-82'))).rejects.toMatchObject({
      code: 'RUNNER.NOT_OURS',
    });
    await expect(
      runSteps(DEPROVISION, testDeps(sim), { ...testRun('gitlab-runner-82'), kind: 'deprovision' }),
    ).rejects.toMatchObject({ code: 'RUNNER.NOT_OURS' });
  });
});
