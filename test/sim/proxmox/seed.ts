// Turning the simulator's options into initial state: nodes, templates and pre-existing VMs.
import type { ClusterState } from './state.ts';

const GiB = 1024 ** 3;

export interface NodeOption {
  name: string;
  /** Default 64 GiB. */
  freeMemoryBytes?: number;
  /** Default 128 GiB. */
  totalMemoryBytes?: number;
  /** Default true. */
  online?: boolean;
}

export interface TemplateOption {
  vmid: number;
  node: string;
  name: string;
  /** Size of scsi0; default 8. */
  diskGiB?: number;
  memoryMiB?: number;
  cores?: number;
  tags?: string[];
  pool?: string;
}

export interface VmOption extends TemplateOption {
  running?: boolean;
}

export function seedNodes(state: ClusterState, nodes: NodeOption[]): void {
  for (const n of nodes) {
    const total = n.totalMemoryBytes ?? 128 * GiB;
    state.nodes.set(n.name, { name: n.name, totalMemoryBytes: total, baseUsedBytes: total - (n.freeMemoryBytes ?? 64 * GiB), online: n.online ?? true });
  }
}

function baseConfig(o: TemplateOption, disk: string): Record<string, string> {
  const mac = `BC:24:11:00:${((o.vmid >> 8) & 0xff).toString(16).padStart(2, '0')}:${(o.vmid & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
  return {
    name: o.name,
    cores: String(o.cores ?? 2),
    memory: String(o.memoryMiB ?? 2048),
    scsihw: 'virtio-scsi-pci',
    scsi0: `local-lvm:${disk},size=${o.diskGiB ?? 8}G`,
    ide2: `local-lvm:vm-${o.vmid}-cloudinit,media=cdrom`,
    net0: `virtio=${mac},bridge=vmbr0`,
    boot: 'order=scsi0',
    ostype: 'l26',
    serial0: 'socket',
    vga: 'serial0',
    agent: '1',
    ...(o.tags?.length ? { tags: o.tags.join(';') } : {}),
  };
}

export function seedTemplate(state: ClusterState, t: TemplateOption): void {
  const config = { ...baseConfig(t, `base-${t.vmid}-disk-0`), template: '1' };
  state.vms.set(t.vmid, { vmid: t.vmid, node: t.node, status: 'stopped', config, ...(t.pool ? { pool: t.pool } : {}) });
}

export function seedVm(state: ClusterState, v: VmOption): void {
  const vm = { vmid: v.vmid, node: v.node, status: v.running ? ('running' as const) : ('stopped' as const), config: baseConfig(v, `vm-${v.vmid}-disk-0`), ...(v.pool ? { pool: v.pool } : {}) };
  if (v.running) Object.assign(vm, { ip: `127.0.0.${2 + (v.vmid % 250)}`, agentReadyAt: 0 });
  state.vms.set(v.vmid, vm);
}
