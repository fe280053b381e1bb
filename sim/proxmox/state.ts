// The simulated cluster: nodes with memory, pools, and VMs (templates included) whose config is
// kept as qemu-server keeps it — strings, `lock` and `template` inside the config.
import { createHash } from 'node:crypto';
import { PveError, configMissing } from './errors.ts';

export interface SimNode {
  name: string;
  totalMemoryBytes: number;
  /** Memory in use on the node apart from the simulated VMs. */
  baseUsedBytes: number;
  online: boolean;
  /** Linux bridges on the node (`GET /nodes/{node}/network?type=bridge`). */
  bridges: string[];
}

/** A storage of `/etc/pve/storage.cfg`: shared storage is reachable from every node it lists. */
export interface SimStorage {
  storage: string;
  type: string;
  shared: boolean;
  /** e.g. `images,rootdir` */
  content: string;
  /** The nodes it is configured on; undefined for all. */
  nodes?: string[];
}

export interface SimVm {
  vmid: number;
  node: string;
  pool?: string;
  status: 'running' | 'stopped';
  /** The VM's config file: `name`, `tags`, `lock`, `template`, `sshkeys` (percent-encoded)… */
  config: Record<string, string>;
  /** When the guest agent starts answering (epoch ms); unset while stopped or still booting. */
  agentReadyAt?: number;
  /** The guest's eth0 address once booted. */
  ip?: string;
}

const GiB = 1024 ** 3;

export const vmName = (vm: SimVm): string => vm.config.name ?? `VM ${vm.vmid}`;
export const isTemplate = (vm: SimVm): boolean => vm.config.template === '1';

/** `memory` is `2048` or `current=2048` (MiB); PVE's default is 512. */
export function memoryBytes(vm: SimVm): number {
  const match = /(?:^|current=)(\d+)/.exec(vm.config.memory ?? '');
  return Number(match?.[1] ?? 512) * 1024 * 1024;
}

/** The `size=` of a disk property string, in bytes. */
export function diskBytes(disk: string | undefined): number {
  const match = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)/.exec(disk ?? '');
  if (!match) return 0;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: GiB, T: 1024 ** 4 }[match[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return Math.round(Number(match[1]) * unit);
}

export const configDigest = (config: Record<string, string>): string =>
  createHash('sha1')
    .update(JSON.stringify(Object.entries(config).sort()))
    .digest('hex');

export class ClusterState {
  readonly nodes = new Map<string, SimNode>();
  readonly pools = new Set<string>();
  readonly storages = new Map<string, SimStorage>();
  readonly vms = new Map<number, SimVm>();

  /** The node, or the error pveproxy gives when it cannot reach it. */
  requireNode(name: string): SimNode {
    const node = this.nodes.get(name);
    if (!node)
      throw new PveError(
        500,
        `hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known\n`,
      );
    if (!node.online) throw new PveError(595, `No route to host\n`);
    return node;
  }

  /** The VM whose config file lives on `node`, as qemu-server loads it. */
  requireVm(node: string, vmid: number): SimVm {
    const vm = this.vms.get(vmid);
    if (!vm || vm.node !== node) throw configMissing(node, vmid);
    return vm;
  }

  /** The storage, as `storage_config` finds it (or dies). */
  requireStorage(id: string): SimStorage {
    const storage = this.storages.get(id);
    if (!storage) throw new PveError(500, `storage '${id}' does not exist\n`);
    return storage;
  }

  storageOnNode(storage: SimStorage, node: string): boolean {
    return storage.nodes === undefined || storage.nodes.includes(node);
  }

  usedMemoryBytes(node: SimNode): number {
    let used = node.baseUsedBytes;
    for (const vm of this.vms.values()) if (vm.node === node.name && vm.status === 'running') used += memoryBytes(vm);
    return used;
  }

  nextFreeVmid(from = 100): number {
    let vmid = from;
    while (this.vms.has(vmid)) vmid++;
    return vmid;
  }
}
