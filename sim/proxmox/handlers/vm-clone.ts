// POST /nodes/{node}/qemu/{vmid}/clone: the checks qemu-server makes before forking its worker
// (target node, pool, storage and bridge privileges, shared storage for a clone to another
// node), then a `qmclone` task during which the new VM exists with `lock: clone`.
import { requirePrivilege } from '../auth.ts';
import { PveError, vmLocked } from '../errors.ts';
import type { Handler, HandlerContext, SimRuntime } from '../runtime.ts';
import { isTemplate, vmName } from '../state.ts';
import type { SimVm } from '../state.ts';
import { vmOf } from './vm-config.ts';

export const DISK_KEY = /^(scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/;
const NIC_KEY = /^net\d+$/;

const volumeStorage = (disk: string): string => disk.split(',')[0]!.split(':')[0]!;

function cloneDisk(disk: string, source: number, newid: number, full: boolean, storage?: string): string {
  if (disk.includes('media=cdrom')) return disk.replace(`vm-${source}-cloudinit`, `vm-${newid}-cloudinit`);
  const [volume = '', ...options] = disk.split(',');
  const [from, image = ''] = volume.split(':');
  const index = /disk-(\d+)$/.exec(image)?.[1] ?? '0';
  const cloned = full ? `${storage ?? from}:vm-${newid}-disk-${index}` : `${from}:${image}/vm-${newid}-disk-${index}`;
  return [cloned, ...options].join(',');
}

const macFor = (vmid: number): string =>
  `BC:24:11:${[vmid >> 16, vmid >> 8, vmid].map((b) => (b & 0xff).toString(16).toUpperCase().padStart(2, '0')).join(':')}`;

/** `/sdn/zones/localnetwork/{bridge}`: the path PVE 8+ checks SDN.Use on for a plain Linux bridge. */
export const bridgePath = (bridge: string): string => `/sdn/zones/localnetwork/${bridge}`;
export const nicBridge = (nic: string): string | undefined => /(?:^|,)bridge=([^,]+)/.exec(nic)?.[1];

function checkStorage(rt: SimRuntime, ctx: HandlerContext, source: SimVm, target: string, full: boolean): void {
  const { storage } = ctx.params;
  const disks = Object.entries(source.config).filter(
    ([key, value]) => DISK_KEY.test(key) && !value.includes('media=cdrom'),
  );
  const used = storage !== undefined ? [storage] : [...new Set(disks.map(([, value]) => volumeStorage(value)))];
  for (const id of used) {
    const st = rt.state.requireStorage(id);
    if (!rt.state.storageOnNode(st, target))
      throw new PveError(500, `storage '${id}' is not available on node '${target}'\n`);
    if (full) requirePrivilege(rt.state, ctx.token, `/storage/${id}`, 'Datastore.AllocateSpace');
  }
  if (target === source.node) return;
  if (storage !== undefined && !rt.state.requireStorage(storage).shared)
    throw new PveError(500, `can't clone to non-shared storage '${storage}'\n`);
  const local = disks.some(([, value]) => !rt.state.requireStorage(volumeStorage(value)).shared);
  if (storage === undefined && local)
    throw new PveError(500, `can't clone VM to node '${target}' (VM uses local storage)\n`);
}

export const clone: Handler = (rt, ctx) => {
  const source = vmOf(rt, ctx);
  const { params } = ctx;
  const newid = Number(params.newid);
  const target = params.target ?? source.node;
  rt.state.requireNode(target);
  if (params.pool && !rt.state.pools.has(params.pool))
    throw new PveError(500, `pool '${params.pool}' does not exist\n`);
  if (source.config.lock) throw vmLocked(source.config.lock);
  if (rt.state.vms.has(newid)) throw new PveError(500, `unable to create VM ${newid}: config file already exists\n`);
  const full = params.full === '1' || !isTemplate(source);
  if (params.storage !== undefined && !full)
    throw new PveError(500, "parameter 'storage' not allowed for linked clones\n");
  checkStorage(rt, ctx, source, target, full);
  for (const [key, value] of Object.entries(source.config)) {
    const bridge = NIC_KEY.test(key) ? nicBridge(value) : undefined;
    if (bridge !== undefined) requirePrivilege(rt.state, ctx.token, bridgePath(bridge), 'SDN.Use');
  }

  const config: Record<string, string> = {
    ...source.config,
    name: params.name ?? `Copy-of-VM-${vmName(source)}`,
    lock: 'clone',
  };
  delete config.template;
  if (params.description !== undefined) config.description = params.description;
  for (const [key, value] of Object.entries(config)) {
    if (DISK_KEY.test(key)) config[key] = cloneDisk(value, source.vmid, newid, full, params.storage);
  }
  if (config.net0) config.net0 = config.net0.replace(/=([0-9A-F:]{17})/i, `=${macFor(newid)}`);
  const vm = {
    vmid: newid,
    node: target,
    status: 'stopped' as const,
    config,
    ...(params.pool ? { pool: params.pool } : {}),
  };
  rt.state.vms.set(newid, vm);

  return rt.tasks.start(
    { node: source.node, type: 'qmclone', id: source.vmid, user: ctx.token.id, durationMs: rt.timing.cloneTaskMs },
    () => {
      delete vm.config.lock;
    },
  );
};
