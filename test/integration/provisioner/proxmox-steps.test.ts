// The VM steps of provision and deprovision, run against the Proxmox simulator through the real
// adapter: what ends up on the simulated cluster, idempotency, faults, refusals and placement.
import { afterEach, describe, expect, it } from 'vitest';
import { cloneDescription } from '../../../src/app/steps/vm-ownership.ts';
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
import { startProxmoxSim } from '../../../sim/proxmox/index.ts';
import type { ProxmoxSim, ProxmoxSimOptions } from '../../../sim/proxmox/index.ts';
import { Faults } from '../../../sim/faults.ts';
import {
  MemoryCoordination,
  TEST_KEY,
  proxmoxFor,
  runSteps,
  seededRandom,
  testDeps,
  testRun,
  testSettings,
} from '../../../sim/proxmox/harness.ts';

const PROVISION = [findVm, reserveVmid, cloneVm, configure, resizeDisk, startVm, waitIp];
const DEPROVISION = [confirmVm, stopVm, deleteVm];
const CHANGES = /^(POST|PUT|DELETE)$/;

describe('Proxmox VM steps against the simulator', () => {
  let sim: ProxmoxSim;
  const start = async (options: ProxmoxSimOptions = {}) =>
    (sim = await startProxmoxSim({ timing: { taskMs: 10, agentBootMs: 30 }, ...options }));
  afterEach(async () => {
    await sim.close();
  });

  it('provisions one VM with the profile, tags, pool and key, then a second run changes nothing', async () => {
    // the agent must still be booting when wait-ip first looks, or wait-ip is already done on a busy machine
    await start({ timing: { taskMs: 10, agentBootMs: 300 } });
    const deps = testDeps(sim);
    const first = await runSteps(PROVISION, deps, testRun('gitlab-runner-02'));

    const vm = sim.vm(first.run.outputs.vmid!);
    expect(first.run.outputs).toMatchObject({ vmid: 1000, node: 'pve1', ip: vm?.ip });
    expect(first.run.outputs.cloneUpid).toMatch(/^UPID:pve1:.*:qmclone:9000:/);
    expect(vm).toMatchObject({ node: 'pve1', pool: 'runners', status: 'running' });
    expect(vm?.config).toMatchObject({
      name: 'gitlab-runner-02',
      cores: '4',
      memory: '4096',
      ciuser: 'runnerbot',
      ipconfig0: 'ip=dhcp',
      agent: '1',
      ciupgrade: '0',
    });
    expect(vm?.config.tags?.split(';').sort()).toEqual(['docker', 'gitlab-runner', 'linux', 'runnerbot']);
    expect(vm?.config.scsi0).toMatch(/size=20G/);
    expect(decodeURIComponent(vm!.config.sshkeys!)).toBe(TEST_KEY);
    expect(first.applied).toEqual(['reserve-vmid', 'clone', 'configure', 'resize-disk', 'start', 'wait-ip']);

    const before = sim.requests.length;
    const second = await runSteps(PROVISION, testDeps(sim), testRun('gitlab-runner-02'));
    expect(second.applied).toEqual([]);
    expect(second.run.outputs).toMatchObject({ vmid: 1000, node: 'pve1', ip: vm?.ip });
    expect(sim.requests.slice(before).filter((r) => CHANGES.test(r.method))).toEqual([]);
    expect([...sim.state.vms.values()].filter((v) => v.config.name === 'gitlab-runner-02')).toHaveLength(1);
  });

  it('succeeds with 20% 5xx from Proxmox: the adapter reports transient errors and retried steps leave one VM', async () => {
    await start({ faults: new Faults(seededRandom(7)) });
    sim.faults.set('', { errorRate: 0.2, status: 503 });
    const result = await runSteps(PROVISION, testDeps(sim), testRun('gitlab-runner-03'), 25);
    sim.faults.clear();
    expect(result.transientErrors.length).toBeGreaterThan(0);
    expect(result.transientErrors.every((e) => / STEP.TRANSIENT Proxmox could not .*503/.test(e))).toBe(true);
    expect([...sim.state.vms.values()].filter((v) => v.config.name === 'gitlab-runner-03')).toHaveLength(1);
    expect(sim.vm(result.run.outputs.vmid!)?.status).toBe('running');
    expect(result.run.outputs.ip).toBe(sim.vm(result.run.outputs.vmid!)?.ip);
  });

  it('resumes a clone that an interrupted attempt started: waits for it instead of cloning again', async () => {
    await start({ timing: { taskMs: 10, cloneTaskMs: 200, agentBootMs: 10 } });
    const deps = testDeps(sim);
    const reserved = await runSteps([findVm, reserveVmid], deps, testRun('gitlab-runner-04'));
    const task = await deps.hypervisor.cloneVm({
      templateNode: 'pve1',
      templateVmid: 9000,
      newid: reserved.run.outputs.vmid!,
      name: 'gitlab-runner-04',
      description: cloneDescription(reserved.run),
      targetNode: 'pve1',
      pool: 'runners',
      full: true,
    });
    for (const outputs of [{ cloneUpid: task.upid }, {}]) {
      const resumed = await runSteps([cloneVm, configure], deps, {
        ...reserved.run,
        outputs: { ...reserved.run.outputs, ...outputs },
      });
      expect(resumed.run.outputs.node).toBe('pve1');
    }
    expect(sim.requests.filter((r) => r.path.endsWith('/clone'))).toHaveLength(1);
    expect(sim.vm(reserved.run.outputs.vmid!)?.config.lock).toBeUndefined();
  });

  it('deprovisions: stops and deletes with purge, and a VM already gone is done', async () => {
    await start();
    const provisioned = await runSteps(PROVISION, testDeps(sim), testRun('gitlab-runner-05'));
    const vmid = provisioned.run.outputs.vmid!;
    const gone = await runSteps(DEPROVISION, testDeps(sim), { ...testRun('gitlab-runner-05'), kind: 'deprovision' });
    expect(gone.applied).toEqual(['stop-vm', 'delete-vm']);
    expect(sim.vm(vmid)).toBeUndefined();
    const deletion = sim.requests.find((r) => r.method === 'DELETE');
    expect(deletion?.params).toEqual({ purge: '1', 'destroy-unreferenced-disks': '1' });

    const again = await runSteps(DEPROVISION, testDeps(sim), { ...testRun('gitlab-runner-05'), kind: 'deprovision' });
    expect(again.applied).toEqual([]);
    expect(again.run.outputs.vmid).toBeUndefined();
  });

  it('refuses a VM with the runner name that runnerbot does not manage, before changing anything', async () => {
    await start({ vms: [{ vmid: 1005, node: 'pve1', name: 'gitlab-runner-06', pool: 'runners', running: true }] });
    const deps = testDeps(sim);
    await expect(runSteps(PROVISION, deps, testRun('gitlab-runner-06'))).rejects.toMatchObject({
      code: 'RUNNER.NOT_OURS',
      transient: false,
      message: expect.stringMatching(/VM 1005 "gitlab-runner-06".*lacks the tags gitlab-runner and runnerbot/),
    });
    await expect(runSteps(DEPROVISION, deps, testRun('gitlab-runner-06'))).rejects.toMatchObject({
      code: 'RUNNER.NOT_OURS',
    });
    await expect(
      runSteps([stopVm, deleteVm], deps, { ...testRun('gitlab-runner-06'), outputs: { vmid: 1005, node: 'pve1' } }),
    ).rejects.toMatchObject({ code: 'RUNNER.NOT_OURS' });
    expect(sim.requests.filter((r) => CHANGES.test(r.method))).toEqual([]);
    expect(sim.vm(1005)?.status).toBe('running');
  });

  it('places the clone on the online node with the most free memory that can use the template', async () => {
    const GiB = 1024 ** 3;
    await start({
      nodes: [
        { name: 'pve1', freeMemoryBytes: 8 * GiB },
        { name: 'pve2', freeMemoryBytes: 48 * GiB },
        { name: 'pve3', freeMemoryBytes: 96 * GiB, online: false },
        { name: 'pve4', freeMemoryBytes: 64 * GiB },
      ],
      templates: [
        { vmid: 9000, node: 'pve1', name: 'tpl' },
        { vmid: 9002, node: 'pve2', name: 'tpl' },
      ],
    });
    // pve4 would have the most memory but its configured per-node template 9004 does not exist
    const settings = testSettings({ nodes: ['pve1', 'pve2', 'pve3', 'pve4'], templates: { pve2: 9002, pve4: 9004 } });
    const coordination = new MemoryCoordination();
    const placed = await runSteps(
      [findVm, reserveVmid, cloneVm],
      testDeps(sim, settings, coordination),
      testRun('gitlab-runner-07'),
    );
    expect(placed.run.outputs.node).toBe('pve2');
    expect(sim.vm(placed.run.outputs.vmid!)?.node).toBe('pve2');
    expect(sim.requests.find((r) => r.path.endsWith('/clone'))?.path).toBe('/nodes/pve2/qemu/9002/clone');
    expect(coordination.slotsTaken).toEqual(['pve2']);

    const pinned = await runSteps(
      [findVm, reserveVmid, cloneVm],
      testDeps(sim, settings),
      testRun('gitlab-runner-08', { node: 'pve1' }),
    );
    expect(sim.vm(pinned.run.outputs.vmid!)?.node).toBe('pve1');
  });

  it('stops at once with a message naming the cause for a token without rights and a missing template', async () => {
    // it sees VMs and nodes (as any token runnerbot uses must) but may not clone
    await start({
      tokens: [
        {
          id: 'runnerbot@pve!weak',
          secret: '3f1c2a7e-0b7d-4c1e-9a51-2d0f6b9c8e11',
          privileges: ['VM.Audit', 'Sys.Audit'],
        },
      ],
    });
    const weak = {
      ...testDeps(sim),
      hypervisor: proxmoxFor(sim, { id: 'runnerbot@pve!weak', secret: '3f1c2a7e-0b7d-4c1e-9a51-2d0f6b9c8e11' }),
    };
    const failure = await runSteps(PROVISION, weak, testRun('gitlab-runner-09')).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'PROXMOX.FORBIDDEN', transient: false });
    expect(String((failure as Error).message)).toMatch(
      /runnerbot@pve!weak may not clone template 9000.*Permission check failed \(\/vms\/9000, VM.Clone\)/,
    );
    expect(String((failure as Error).message)).not.toContain('3f1c2a7e');

    const noTemplate = testDeps(sim, testSettings({ templateVmid: 9100 }));
    await expect(runSteps(PROVISION, noTemplate, testRun('gitlab-runner-10'))).rejects.toMatchObject({
      code: 'PROXMOX.TEMPLATE_MISSING',
      transient: false,
    });
  });
});
