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
  /** Default `['vmbr0']`. */
  bridges?: string[];
}

export interface StorageOption {
  storage: string;
  /** Default `lvmthin`. */
  type?: string;
  /** Default false. */
  shared?: boolean;
  /** Default `images,rootdir`. */
  content?: string;
  nodes?: string[];
}

/** A fresh Proxmox VE install: `local` (dir) and `local-lvm` (LVM-thin), neither shared. */
export const DEFAULT_STORAGES: StorageOption[] = [
  { storage: 'local', type: 'dir', content: 'iso,vztmpl,backup,snippets' },
  { storage: 'local-lvm', type: 'lvmthin', content: 'images,rootdir' },
];

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
  /** Where its disks live; default `local-lvm`. */
  storage?: string;
  /** NIC bridge; default `vmbr0`. */
  bridge?: string;
  /** A UEFI VM whose EFI disk lacks the 2023 Microsoft certificates: every start warns. */
  oldEfiCerts?: boolean;
}

export interface VmOption extends TemplateOption {
  running?: boolean;
}

export function seedNodes(state: ClusterState, nodes: NodeOption[]): void {
  for (const n of nodes) {
    const total = n.totalMemoryBytes ?? 128 * GiB;
    state.nodes.set(n.name, {
      name: n.name,
      totalMemoryBytes: total,
      baseUsedBytes: total - (n.freeMemoryBytes ?? 64 * GiB),
      online: n.online ?? true,
      bridges: n.bridges ?? ['vmbr0'],
    });
  }
}

export function seedStorages(state: ClusterState, storages: StorageOption[]): void {
  for (const s of storages) {
    state.storages.set(s.storage, {
      storage: s.storage,
      type: s.type ?? 'lvmthin',
      shared: s.shared ?? false,
      content: s.content ?? 'images,rootdir',
      ...(s.nodes ? { nodes: s.nodes } : {}),
    });
  }
}

function baseConfig(o: TemplateOption, disk: string): Record<string, string> {
  const mac =
    `BC:24:11:00:${((o.vmid >> 8) & 0xff).toString(16).padStart(2, '0')}:${(o.vmid & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
  return {
    name: o.name,
    cores: String(o.cores ?? 2),
    memory: String(o.memoryMiB ?? 2048),
    scsihw: 'virtio-scsi-pci',
    scsi0: `${o.storage ?? 'local-lvm'}:${disk},size=${o.diskGiB ?? 8}G`,
    ide2: `${o.storage ?? 'local-lvm'}:vm-${o.vmid}-cloudinit,media=cdrom`,
    net0: `virtio=${mac},bridge=${o.bridge ?? 'vmbr0'}`,
    boot: 'order=scsi0',
    ostype: 'l26',
    serial0: 'socket',
    vga: 'serial0',
    agent: '1',
    ...(o.tags?.length ? { tags: o.tags.join(';') } : {}),
    ...(o.oldEfiCerts
      ? {
          bios: 'ovmf',
          efidisk0: `${o.storage ?? 'local-lvm'}:${disk.replace(/disk-0$/, 'disk-1')},efitype=4m,pre-enrolled-keys=1,size=4M`,
        }
      : {}),
  };
}

export function seedTemplate(state: ClusterState, t: TemplateOption): void {
  const config = { ...baseConfig(t, `base-${t.vmid}-disk-0`), template: '1' };
  state.vms.set(t.vmid, { vmid: t.vmid, node: t.node, status: 'stopped', config, ...(t.pool ? { pool: t.pool } : {}) });
}

export function seedVm(state: ClusterState, v: VmOption): void {
  const vm = {
    vmid: v.vmid,
    node: v.node,
    status: v.running ? ('running' as const) : ('stopped' as const),
    config: baseConfig(v, `vm-${v.vmid}-disk-0`),
    ...(v.pool ? { pool: v.pool } : {}),
  };
  if (v.running) Object.assign(vm, { ip: `127.0.0.${2 + (v.vmid % 250)}`, agentReadyAt: 0 });
  state.vms.set(v.vmid, vm);
}
