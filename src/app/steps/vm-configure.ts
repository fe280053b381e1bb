// configure: cores, memory, cloud-init (user, key, ipconfig0), the managed tags plus the
// profile's, the guest agent on and no package upgrade at first boot — skipped when the VM's
// config already says all that. resize-disk: grow the disk to the profile's size, never shrink.
import type { VmSettings } from '../../core/ports.ts';
import type { Step, StepContext } from './step.ts';
import { MANAGED_TAGS, requireOwnVm } from './vm-ownership.ts';

// Proxmox tags allow only these characters; a GitLab tag like `docker:dind` stays GitLab-only.
const PVE_TAG = /^[a-z0-9_][a-z0-9_\-+.]*$/i;

export function wantedSettings(ctx: StepContext): VmSettings {
  const { spec } = ctx.run;
  const { settings } = ctx.deps;
  return {
    cores: spec.cores,
    memoryMiB: spec.memoryMiB,
    tags: [...new Set([...MANAGED_TAGS, ...spec.tags.filter((tag) => PVE_TAG.test(tag))])],
    ciuser: settings.ssh.user,
    sshPublicKey: settings.ssh.publicKey.trim(),
    ipconfig0: settings.proxmox.ipconfig,
  };
}

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

export function configMatches(config: Record<string, string | number>, wanted: VmSettings): boolean {
  const text = (key: string) => (config[key] === undefined ? '' : String(config[key]));
  const tags = new Set(
    text('tags')
      .split(/[;,\s]+/)
      .filter(Boolean),
  );
  return (
    Number(config.cores) === wanted.cores &&
    Number(/(?:^|current=)(\d+)/.exec(text('memory'))?.[1]) === wanted.memoryMiB &&
    text('ciuser') === wanted.ciuser &&
    decode(text('sshkeys')).trim() === wanted.sshPublicKey &&
    text('ipconfig0') === wanted.ipconfig0 &&
    tags.size === wanted.tags.length &&
    wanted.tags.every((tag) => tags.has(tag)) &&
    /^(enabled=)?1(,|$)/.test(text('agent')) &&
    text('ciupgrade') === '0'
  );
}

/** net0 on `bridge`, keeping the clone's model and MAC; null when it is already there. */
export function net0OnBridge(net0: string | number | undefined, bridge: string): string | null {
  const current = net0 === undefined ? '' : String(net0);
  if (current.split(',').includes(`bridge=${bridge}`)) return null;
  if (current === '') return `virtio,bridge=${bridge}`;
  return /(^|,)bridge=[^,]*/.test(current)
    ? current.replace(/(^|,)bridge=[^,]*/, `$1bridge=${bridge}`)
    : `${current},bridge=${bridge}`;
}

export const configure: Step = {
  name: 'configure',
  async check(ctx) {
    const vm = await requireOwnVm(ctx);
    const config = await ctx.deps.hypervisor.getVmConfig(vm.node, vm.vmid);
    const done =
      configMatches(config, wantedSettings(ctx)) &&
      net0OnBridge(config.net0, ctx.deps.settings.proxmox.bridge) === null;
    return done ? { done: true } : { done: false };
  },
  async apply(ctx) {
    const vm = await requireOwnVm(ctx);
    const config = await ctx.deps.hypervisor.getVmConfig(vm.node, vm.vmid);
    const net0 = net0OnBridge(config.net0, ctx.deps.settings.proxmox.bridge);
    await ctx.deps.hypervisor.setVmConfig(vm.node, vm.vmid, { ...wantedSettings(ctx), ...(net0 ? { net0 } : {}) });
  },
};

const UNIT_GIB: Record<string, number> = { '': 1 / 1024 ** 3, K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 };

/** The `size=` of a disk property string in GiB (0 when absent). */
export function diskSizeGiB(disk: string | number | undefined): number {
  const match = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)/.exec(String(disk ?? ''));
  return match ? Number(match[1]) * UNIT_GIB[match[2]!]! : 0;
}

export const resizeDisk: Step = {
  name: 'resize-disk',
  async check(ctx) {
    const vm = await requireOwnVm(ctx);
    const config = await ctx.deps.hypervisor.getVmConfig(vm.node, vm.vmid);
    return diskSizeGiB(config[ctx.deps.settings.proxmox.disk]) >= ctx.run.spec.diskGiB
      ? { done: true }
      : { done: false };
  },
  async apply(ctx) {
    const vm = await requireOwnVm(ctx);
    await ctx.deps.hypervisor.resizeDisk(vm.node, vm.vmid, ctx.deps.settings.proxmox.disk, ctx.run.spec.diskGiB);
  },
};
