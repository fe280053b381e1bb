// `runnerbot doctor`: whether a rebuild can replace then retire — a node with free memory for one
// more VM of the largest profile, and a free VMID in the range — or else the fix, `--in-place`.
import { describe, expect, it } from 'vitest';
import { rebuildRoomCheck } from '../../../src/composition/doctor/rebuild-check.ts';
import type { Hypervisor, NodeSummary, VmSummary } from '../../../src/core/ports.ts';
import type { ProvisionSettings } from '../../../src/core/settings.ts';

const MiB = 1024 * 1024;
const settings = { nodes: ['pve1', 'pve2'], vmidRange: { min: 5000, max: 5001 } } as ProvisionSettings['proxmox'];
const vm = (vmid: number): VmSummary => ({
  vmid,
  node: 'pve1',
  name: `r${vmid}`,
  tags: [],
  status: 'running',
  template: false,
});
const cluster = (nodes: NodeSummary[], vms: VmSummary[]) =>
  ({ listNodes: async () => nodes, listVms: async () => vms }) as unknown as Hypervisor;
const largest = { name: 'build', memoryMiB: 8192 };

describe('doctor: room for a rebuild', () => {
  it('passes, naming the node with the most free memory and a free VMID', async () => {
    const nodes = [
      { node: 'pve1', online: true, freeMemoryBytes: 9000 * MiB },
      { node: 'pve2', online: true, freeMemoryBytes: 4000 * MiB },
    ];
    expect(await rebuildRoomCheck(cluster(nodes, [vm(5000)]), settings, largest)).toEqual({
      ok: true,
      name: 'proxmox room for a rebuild',
      detail: 'replace-then-retire is possible: pve1 has 9000 MiB free (profile build needs 8192), VMID 5001 is free',
    });
  });

  it('fails with the fix --in-place when no node has the memory or the range is full', async () => {
    const nodes = [
      { node: 'pve1', online: false, freeMemoryBytes: 90000 * MiB },
      { node: 'pve2', online: true, freeMemoryBytes: 4000 * MiB },
      { node: 'other', online: true, freeMemoryBytes: 90000 * MiB },
    ];
    const result = await rebuildRoomCheck(cluster(nodes, [vm(5000), vm(5001)]), settings, largest);
    expect(result).toMatchObject({
      ok: false,
      detail:
        'replace-then-retire is not possible: no node has 8192 MiB free for one more VM of profile build (most: 4000 MiB on pve2); no VMID is free in 5000-5001',
    });
    expect(result.fix).toContain('--in-place');
  });
});
