// The Proxmox simulator behaves as ../shared/vendor-behaviour.md says Proxmox VE does: clones to
// another node need shared storage (refused before any task starts), warned tasks end
// `WARNINGS: N` with the warning in the task log, and privileges are checked on ACL paths.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxmoxSim } from './index.ts';
import type { ProxmoxSim, ProxmoxSimOptions, SimToken } from './index.ts';
import { failureOf, rawClient, waitForTask } from './test-client.ts';

const TWO_NODES: ProxmoxSimOptions = {
  nodes: [{ name: 'pve1' }, { name: 'pve2' }],
  timing: { taskMs: 10, agentBootMs: 10 },
};

describe('Proxmox simulator: vendor behaviour', () => {
  let sim: ProxmoxSim;
  afterEach(async () => {
    await sim.close();
  });

  it('lists storage with its shared flag, cluster-wide and per node', async () => {
    sim = await startProxmoxSim({
      ...TWO_NODES,
      storages: [
        { storage: 'local-lvm' },
        { storage: 'ceph', type: 'rbd', shared: true },
        { storage: 'fast', nodes: ['pve2'] },
      ],
    });
    const api = rawClient(sim);
    const all = await api.storage.$get();
    expect(all.map((s) => [s.storage, (s as { shared?: number }).shared])).toEqual([
      ['local-lvm', 0],
      ['ceph', 1],
      ['fast', 0],
    ]);
    const onPve1 = await api.nodes.$('pve1').storage.$get();
    expect(onPve1.map((s) => [s.storage, s.shared])).toEqual([
      ['local-lvm', 0],
      ['ceph', 1],
    ]);
  });

  it('refuses a clone to another node onto non-shared storage before any task starts', async () => {
    sim = await startProxmoxSim(TWO_NODES);
    const api = rawClient(sim);
    const failure = await failureOf(
      api.nodes
        .$('pve1')
        .qemu.$(9000)
        .clone.$post({ newid: 101, name: 'r', target: 'pve2', full: true, storage: 'local-lvm', pool: 'runners' }),
    );
    expect(failure).toMatchObject({ status: 500, message: "can't clone to non-shared storage 'local-lvm'" });
    const noStorage = await failureOf(
      api.nodes
        .$('pve1')
        .qemu.$(9000)
        .clone.$post({ newid: 101, name: 'r', target: 'pve2', full: true, pool: 'runners' }),
    );
    expect(noStorage).toMatchObject({ status: 500, message: "can't clone VM to node 'pve2' (VM uses local storage)" });
    expect(sim.tasks.size).toBe(0);
    expect(sim.vm(101)).toBeUndefined();
  });

  it('clones to another node when the target storage is shared', async () => {
    sim = await startProxmoxSim({
      ...TWO_NODES,
      storages: [{ storage: 'local-lvm' }, { storage: 'ceph', type: 'rbd', shared: true }],
    });
    const api = rawClient(sim);
    const upid = await api.nodes
      .$('pve1')
      .qemu.$(9000)
      .clone.$post({ newid: 101, name: 'r', target: 'pve2', full: true, storage: 'ceph', pool: 'runners' });
    expect((await waitForTask(api, 'pve1', upid)).exitstatus).toBe('OK');
    expect(sim.vm(101)).toMatchObject({
      node: 'pve2',
      config: { scsi0: expect.stringMatching(/^ceph:vm-101-disk-0,/) },
    });
  });

  it('ends a start that warned with WARNINGS: 1 and keeps the warning lines in the task log', async () => {
    sim = await startProxmoxSim({
      timing: { taskMs: 10, agentBootMs: 10 },
      vms: [{ vmid: 150, node: 'pve1', name: 'uefi', oldEfiCerts: true }],
    });
    const api = rawClient(sim);
    const upid = await api.nodes.$('pve1').qemu.$(150).status.start.$post();
    expect((await waitForTask(api, 'pve1', upid)).exitstatus).toBe('WARNINGS: 1');
    expect(sim.vm(150)?.status).toBe('running');
    const log = await api.nodes.$('pve1').tasks.$(upid).log.$get();
    expect(log[0]).toEqual({
      n: 1,
      t: "WARN: EFI disk without 'ms-cert=2023k' option, suggesting that not all UEFI 2023",
    });
    expect(log.at(-1)?.t).toBe('TASK WARNINGS: 1');
  });

  it('fails a start whose NIC uses a bridge the node does not have', async () => {
    sim = await startProxmoxSim({
      timing: { taskMs: 10, agentBootMs: 10 },
      vms: [{ vmid: 150, node: 'pve1', name: 'v', bridge: 'vmbr7' }],
    });
    const api = rawClient(sim);
    const upid = await api.nodes.$('pve1').qemu.$(150).status.start.$post();
    expect((await waitForTask(api, 'pve1', upid)).exitstatus).toBe("bridge 'vmbr7' does not exist");
  });

  describe('permissions on ACL paths', () => {
    const token = (acl: SimToken['acl'], privileges: string[] = []): SimToken => ({
      id: 'runnerbot@pve!runnerbot',
      secret: randomUUID(),
      privileges,
      acl,
    });

    it('grants through the pool, propagates to children, and lets a deeper entry override', async () => {
      const t = token([
        { path: '/pool/runners', privileges: ['VM.Audit', 'VM.PowerMgmt'] },
        { path: '/vms', privileges: ['VM.Audit'] },
        { path: '/vms/160', privileges: [] },
      ]);
      sim = await startProxmoxSim({
        tokens: [t],
        vms: [
          { vmid: 150, node: 'pve1', name: 'pooled', pool: 'runners' },
          { vmid: 160, node: 'pve1', name: 'hidden' },
          { vmid: 170, node: 'pve1', name: 'other' },
        ],
      });
      const api = rawClient(sim);
      const seen = (await api.cluster.resources.$get({ type: 'vm' })).map((r) => r.vmid).sort();
      expect(seen).toEqual([150, 170, 9000]);
      await api.nodes.$('pve1').qemu.$(150).status.start.$post();
      expect(await failureOf(api.nodes.$('pve1').qemu.$(170).status.start.$post())).toMatchObject({
        status: 403,
        message: 'Permission check failed (/vms/170, VM.PowerMgmt)',
      });
    });

    it('answers /access/permissions with the effective privileges per path', async () => {
      const t = token([{ path: '/storage/local-lvm', privileges: ['Datastore.AllocateSpace'] }], ['VM.Audit']);
      sim = await startProxmoxSim({ tokens: [t] });
      const api = rawClient(sim);
      const perms = (await api.access.permissions.$get()) as Record<string, Record<string, number>>;
      expect(perms['/']).toEqual({ 'VM.Audit': 1 });
      expect(perms['/storage/local-lvm']).toEqual({ 'Datastore.AllocateSpace': 1 });
      expect(await api.access.permissions.$get({ path: '/sdn/zones/localnetwork/vmbr0' })).toEqual({
        '/sdn/zones/localnetwork/vmbr0': { 'VM.Audit': 1 },
      });
    });

    it('refuses a clone without SDN.Use on the template bridge or Datastore.AllocateSpace on the storage, naming path and privilege', async () => {
      const base = ['VM.Clone', 'VM.Allocate', 'VM.Audit'];
      sim = await startProxmoxSim({
        tokens: [token([{ path: '/storage/local-lvm', privileges: ['Datastore.AllocateSpace'] }], base)],
      });
      const clone = () =>
        rawClient(sim)
          .nodes.$('pve1')
          .qemu.$(9000)
          .clone.$post({ newid: 101, name: 'r', full: true, pool: 'runners', storage: 'local-lvm' });
      expect(await failureOf(clone())).toMatchObject({
        status: 403,
        message: 'Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)',
      });
      await sim.close();
      sim = await startProxmoxSim({
        tokens: [token([{ path: '/sdn/zones/localnetwork/vmbr0', privileges: ['SDN.Use'] }], base)],
      });
      expect(await failureOf(clone())).toMatchObject({
        status: 403,
        message: 'Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)',
      });
      expect(sim.vm(101)).toBeUndefined();
    });
  });
});
