// POST /nodes/{node}/qemu/{vmid}/clone: the checks qemu-server makes before forking its worker,
// then a `qmclone` task during which the new VM exists with `lock: clone`.
import { PveError, vmLocked } from '../errors.ts';
import type { Handler } from '../runtime.ts';
import { isTemplate, vmName } from '../state.ts';
import { vmOf } from './vm-config.ts';

const DISK_KEY = /^(scsi|virtio|sata|ide)\d+$/;

function cloneDisk(disk: string, source: number, newid: number, full: boolean): string {
  if (disk.includes('media=cdrom')) return disk.replace(`vm-${source}-cloudinit`, `vm-${newid}-cloudinit`);
  const [volume = '', ...options] = disk.split(',');
  const [storage, image] = volume.split(':');
  const cloned = full ? `${storage}:vm-${newid}-disk-0` : `${storage}:${image}/vm-${newid}-disk-0`;
  return [cloned, ...options].join(',');
}

const macFor = (vmid: number): string =>
  `BC:24:11:${[vmid >> 16, vmid >> 8, vmid].map((b) => (b & 0xff).toString(16).toUpperCase().padStart(2, '0')).join(':')}`;

export const clone: Handler = (rt, ctx) => {
  const source = vmOf(rt, ctx);
  const { params } = ctx;
  const newid = Number(params.newid);
  const target = params.target ?? source.node;
  rt.state.requireNode(target);
  if (params.pool && !rt.state.pools.has(params.pool)) throw new PveError(500, `pool '${params.pool}' does not exist\n`);
  if (source.config.lock) throw vmLocked(source.config.lock);
  if (rt.state.vms.has(newid)) throw new PveError(500, `unable to create VM ${newid}: config file already exists\n`);
  const full = params.full === '1' || !isTemplate(source);

  const config: Record<string, string> = { ...source.config, name: params.name ?? `Copy-of-VM-${vmName(source)}`, lock: 'clone' };
  delete config.template;
  if (params.description !== undefined) config.description = params.description;
  for (const [key, value] of Object.entries(config)) {
    if (DISK_KEY.test(key)) config[key] = cloneDisk(value, source.vmid, newid, full);
  }
  if (config.net0) config.net0 = config.net0.replace(/=([0-9A-F:]{17})/i, `=${macFor(newid)}`);
  const vm = { vmid: newid, node: target, status: 'stopped' as const, config, ...(params.pool ? { pool: params.pool } : {}) };
  rt.state.vms.set(newid, vm);

  return rt.tasks.start({ node: source.node, type: 'qmclone', id: source.vmid, user: ctx.token.id, durationMs: rt.timing.cloneTaskMs }, () => {
    delete vm.config.lock;
  });
};
