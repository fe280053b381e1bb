// The Proxmox adapter and the clone step against a simulator laid out as the shipped example is
// (two nodes, one template, nothing shared): a warned task is a success whose warning is kept,
// a clone to another node onto local storage is a permanent refusal that says what to change,
// and placement never sends a clone where Proxmox would refuse it.
import { afterEach, describe, expect, it } from 'vitest';
import { cloneVm, findVm, reserveVmid, startVm } from '../../../src/app/steps/vm-steps.ts';
import { startProxmoxSim } from '../../../sim/proxmox/index.ts';
import type { ProxmoxSim, ProxmoxSimOptions } from '../../../sim/proxmox/index.ts';
import { proxmoxFor, runSteps, testDeps, testRun, testSettings } from '../../../sim/proxmox/harness.ts';

const GiB = 1024 ** 3;
const EXAMPLE_LAYOUT: ProxmoxSimOptions = {
  nodes: [
    { name: 'pve1', freeMemoryBytes: 8 * GiB },
    { name: 'pve2', freeMemoryBytes: 96 * GiB },
  ],
  timing: { taskMs: 10, agentBootMs: 10 },
};

describe('Proxmox as it really is', () => {
  let sim: ProxmoxSim;
  afterEach(async () => {
    await sim.close();
  });

  it('takes a start that ended WARNINGS: 1 as a success and returns the warning from the task log', async () => {
    sim = await startProxmoxSim({
      timing: { taskMs: 10, agentBootMs: 10 },
      vms: [{ vmid: 1001, node: 'pve1', name: 'uefi', oldEfiCerts: true }],
    });
    const proxmox = proxmoxFor(sim);
    const outcome = await proxmox.waitTask(await proxmox.startVm('pve1', 1001), 5000);
    expect(outcome.warnings).toHaveLength(1);
    expect(outcome.warnings[0]).toMatch(/^EFI disk without 'ms-cert=2023k' option.*\n.*qm enroll-efi-keys 1001/s);
    const plain = await proxmox.waitTask(await proxmox.stopVm('pve1', 1001), 5000);
    expect(plain).toEqual({ warnings: [] });
  });

  it('reports a clone to another node onto local storage as permanent, naming what to change', async () => {
    sim = await startProxmoxSim(EXAMPLE_LAYOUT);
    const refused = proxmoxFor(sim).cloneVm({
      templateNode: 'pve1',
      templateVmid: 9000,
      newid: 1000,
      name: 'r',
      targetNode: 'pve2',
      pool: 'runners',
      full: true,
      storage: 'local-lvm',
    });
    await expect(refused).rejects.toMatchObject({
      code: 'PROXMOX.LAYOUT',
      transient: false,
      message: expect.stringMatching(/can't clone to non-shared storage 'local-lvm'.*proxmox\.templates/),
    });
  });

  it('places the clone on the template node, not the emptier node it cannot reach, and records the start warning', async () => {
    sim = await startProxmoxSim({
      ...EXAMPLE_LAYOUT,
      templates: [{ vmid: 9000, node: 'pve1', name: 'tpl', oldEfiCerts: true }],
    });
    const deps = testDeps(sim, testSettings({ nodes: ['pve1', 'pve2'], storage: 'local-lvm' }));
    const warnings: string[] = [];
    const done = await runSteps([findVm, reserveVmid, cloneVm], deps, testRun('gitlab-runner-05'));
    expect(done.run.outputs.node).toBe('pve1');
    expect(sim.vm(done.run.outputs.vmid!)?.node).toBe('pve1');
    const ctx = {
      run: done.run,
      deps,
      memory: {},
      signal: new AbortController().signal,
      warn: (lines: string[]) => void warnings.push(...lines),
    };
    await startVm.apply(ctx);
    expect(sim.vm(done.run.outputs.vmid!)?.status).toBe('running');
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^start VM ${done.run.outputs.vmid}: EFI disk without 'ms-cert=2023k'`)),
    ]);
  });

  it('refuses a provision pinned to a node the template cannot reach, before any clone', async () => {
    sim = await startProxmoxSim(EXAMPLE_LAYOUT);
    const deps = testDeps(sim, testSettings({ nodes: ['pve1', 'pve2'], storage: 'local-lvm' }));
    const attempt = runSteps([findVm, reserveVmid, cloneVm], deps, testRun('gitlab-runner-06', { node: 'pve2' }));
    await expect(attempt).rejects.toMatchObject({
      code: 'PROXMOX.LAYOUT',
      message: expect.stringContaining('make a template on pve2 and set proxmox.templates.pve2'),
    });
    expect(sim.requests.filter((r) => r.path.endsWith('/clone'))).toEqual([]);
  });
});
