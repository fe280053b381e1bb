// The pure decisions inside the VM steps: whether a config already matches, disk sizes, which
// VMs runnerbot manages, and placement.
import { describe, expect, it } from 'vitest';
import type { StepContext } from '../../../src/app/steps/step.ts';
import { choosePlacement, judgeNodes } from '../../../src/app/steps/placement.ts';
import { configMatches, diskSizeGiB, wantedSettings } from '../../../src/app/steps/vm-configure.ts';
import { notManagedBecause } from '../../../src/app/steps/vm-ownership.ts';
import { TEST_KEY, testRun, testSettings } from '../../../sim/proxmox/harness.ts';

const GiB = 1024 ** 3;
const ctxFor = (settings = testSettings(), node?: string) =>
  ({ run: testRun('gitlab-runner-01', node ? { node } : {}), deps: { settings } }) as unknown as StepContext;

describe('configure: does the VM already have its config?', () => {
  const wanted = wantedSettings(ctxFor());
  const current = {
    cores: 4,
    memory: '4096',
    ciuser: 'runnerbot',
    sshkeys: encodeURIComponent(TEST_KEY),
    ipconfig0: 'ip=dhcp',
    tags: 'runnerbot;linux;gitlab-runner;docker',
    agent: '1',
    ciupgrade: 0,
  };

  it('matches a config with the same values in another order and encoding', () => {
    expect(wanted.tags).toEqual(['gitlab-runner', 'runnerbot', 'docker', 'linux']);
    expect(configMatches(current, wanted)).toBe(true);
    expect(
      configMatches({ ...current, memory: 'current=4096', agent: 'enabled=1,fstrim_cloned_disks=1' }, wanted),
    ).toBe(true);
  });

  it('does not match when any wanted value differs', () => {
    for (const change of [
      { cores: 2 },
      { memory: '2048' },
      { sshkeys: 'other' },
      { tags: 'gitlab-runner;runnerbot' },
      { agent: '0' },
      { ciupgrade: 1 },
      { ipconfig0: 'ip=10.0.0.5/24' },
    ]) {
      expect(configMatches({ ...current, ...change }, wanted)).toBe(false);
    }
  });

  it('keeps tags Proxmox cannot store out of the VM tags', () => {
    const ctx = ctxFor();
    ctx.run.spec.tags = ['docker:dind', 'gpu'];
    expect(wantedSettings(ctx).tags).toEqual(['gitlab-runner', 'runnerbot', 'gpu']);
  });
});

describe('disk sizes and ownership', () => {
  it('reads the size of a disk property string in GiB', () => {
    expect(diskSizeGiB('local-lvm:vm-101-disk-0,size=20G')).toBe(20);
    expect(diskSizeGiB('local-lvm:vm-101-disk-0,discard=on,size=512M')).toBe(0.5);
    expect(diskSizeGiB('local-lvm:vm-101-disk-0,size=1T')).toBe(1024);
    expect(diskSizeGiB(undefined)).toBe(0);
  });

  it('manages only tagged VMs in the pool and range', () => {
    const settings = testSettings();
    const vm = {
      vmid: 1000,
      node: 'pve1',
      name: 'x',
      tags: ['gitlab-runner', 'runnerbot'],
      pool: 'runners',
      status: 'running',
      template: false,
    };
    expect(notManagedBecause(vm, settings)).toBeNull();
    expect(notManagedBecause({ ...vm, tags: ['runnerbot'] }, settings)).toBe('it lacks the tag gitlab-runner');
    expect(notManagedBecause({ ...vm, pool: 'prod' }, settings)).toBe('it is not in the pool runners');
    expect(notManagedBecause({ ...vm, vmid: 200 }, settings)).toBe('its VMID is outside 1000-1099');
  });
});

describe('placement', () => {
  const settings = testSettings({ nodes: ['a', 'b', 'c'], templateNode: 'a', templates: { c: 9003 } });
  const vms = [
    { vmid: 9000, node: 'a', name: 't', tags: [], status: 'stopped', template: true },
    { vmid: 9003, node: 'c', name: 't', tags: [], status: 'stopped', template: true },
  ];
  const nodes = [
    { node: 'a', online: true, freeMemoryBytes: 4 * GiB },
    { node: 'b', online: true, freeMemoryBytes: 16 * GiB },
    { node: 'c', online: true, freeMemoryBytes: 8 * GiB },
  ];

  const place = (facts: { nodes: typeof nodes; vms: typeof vms; noCrossNode?: string }, pinned?: string) =>
    choosePlacement(settings.proxmox, pinned, facts);
  const LOCAL = 'storage local-lvm is not shared';

  it('picks the online node with the most free memory, with its own template or the shared one when storage is shared', () => {
    expect(place({ nodes, vms })).toEqual({ node: 'b', templateNode: 'a', templateVmid: 9000 });
    const bDown = nodes.map((n) => (n.node === 'b' ? { ...n, online: false } : n));
    expect(place({ nodes: bDown, vms })).toEqual({ node: 'c', templateNode: 'c', templateVmid: 9003 });
    expect(place({ nodes, vms }, 'a')).toEqual({ node: 'a', templateNode: 'a', templateVmid: 9000 });
  });

  it('never places on a node the shared template cannot be cloned to when storage is local', () => {
    expect(place({ nodes, vms, noCrossNode: LOCAL })).toEqual({ node: 'c', templateNode: 'c', templateVmid: 9003 });
    expect(judgeNodes(settings.proxmox, { nodes, vms, noCrossNode: LOCAL }).find((v) => v.node === 'b')).toMatchObject({
      problem: 'template 9000 is on a and storage local-lvm is not shared, so Proxmox cannot clone it to b',
      fix: 'make a template on b and set proxmox.templates.b to its VMID, or set proxmox.storage to shared storage, or remove b from proxmox.nodes',
    });
    expect(() => place({ nodes, vms, noCrossNode: LOCAL }, 'b')).toThrow(
      expect.objectContaining({
        code: 'PROXMOX.LAYOUT',
        transient: false,
        message: expect.stringContaining('set proxmox.templates.b'),
      }),
    );
  });

  it('refuses a node outside the configuration and a missing template; waits when every node is down', () => {
    expect(() => place({ nodes, vms }, 'z')).toThrow(expect.objectContaining({ code: 'STEP.UNRECOVERABLE' }));
    expect(() => place({ nodes, vms: [] })).toThrow(
      expect.objectContaining({ code: 'PROXMOX.TEMPLATE_MISSING', transient: false }),
    );
    const down = nodes.map((n) => ({ ...n, online: false }));
    expect(() => place({ nodes: down, vms })).toThrow(
      expect.objectContaining({ code: 'STEP.TRANSIENT', transient: true }),
    );
  });
});
