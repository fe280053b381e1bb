// GET/PUT/POST /nodes/{node}/qemu/{vmid}/config and PUT …/resize.
import { requirePrivilege } from '../auth.ts';
import { PveError, vmLocked } from '../errors.ts';
import { splitList } from '../formats.ts';
import type { Handler, HandlerContext, SimRuntime } from '../runtime.ts';
import { configDigest, diskBytes } from '../state.ts';
import type { SimVm } from '../state.ts';

const NOT_CONFIG = new Set(['node', 'vmid', 'digest', 'delete', 'skiplock', 'revert', 'force', 'background_delay']);
const NUMERIC = new Set([
  'cores',
  'sockets',
  'template',
  'ciupgrade',
  'onboot',
  'balloon',
  'cpuunits',
  'vcpus',
  'numa',
  'acpi',
  'kvm',
  'protection',
]);

export const vmOf = (rt: SimRuntime, { params }: HandlerContext): SimVm => {
  rt.state.requireNode(params.node!);
  return rt.state.requireVm(params.node!, Number(params.vmid));
};

export function assertUnlocked(vm: SimVm, params: Record<string, string>): void {
  if (vm.config.lock && params.skiplock !== '1') throw vmLocked(vm.config.lock);
}

export const getConfig: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  const out: Record<string, string | number> = { digest: configDigest(vm.config) };
  for (const [key, value] of Object.entries(vm.config)) out[key] = NUMERIC.has(key) ? Number(value) : value;
  return out;
};

/** The privilege qemu-server's `check_vm_modify_config_perm` asks for each option. */
function optionPrivilege(key: string): string {
  if (/^(cores|sockets|vcpus|cpu|cpulimit|cpuunits|affinity|numa)$/.test(key)) return 'VM.Config.CPU';
  if (/^(memory|balloon|shares)$/.test(key)) return 'VM.Config.Memory';
  if (/^net\d+$/.test(key)) return 'VM.Config.Network';
  if (/^(ci\w+|sshkeys|ipconfig\d+|nameserver|searchdomain|cicustom)$/.test(key)) return 'VM.Config.Cloudinit';
  if (/^(scsi|virtio|sata|ide|efidisk|tpmstate|unused)\d+$/.test(key)) return 'VM.Config.Disk';
  if (/^(bios|machine|scsihw|vga|serial\d+|usb\d+|hostpci\d+|ostype)$/.test(key)) return 'VM.Config.HWType';
  return 'VM.Config.Options';
}

function checkOptionPrivileges(rt: SimRuntime, ctx: HandlerContext, vm: SimVm): void {
  const path = `/vms/${vm.vmid}`;
  const keys = [
    ...Object.keys(ctx.params).filter((key) => !NOT_CONFIG.has(key)),
    ...splitList(ctx.params.delete ?? ''),
  ];
  for (const key of keys) requirePrivilege(rt.state, ctx.token, path, optionPrivilege(key));
  const bridge = /(?:^|,)bridge=([^,]+)/.exec(ctx.params.net0 ?? '')?.[1];
  if (bridge !== undefined) requirePrivilege(rt.state, ctx.token, `/sdn/zones/localnetwork/${bridge}`, 'SDN.Use');
}

const updateConfig: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  const { params } = ctx;
  checkOptionPrivileges(rt, ctx, vm);
  assertUnlocked(vm, params);
  if (params.digest && params.digest !== configDigest(vm.config)) {
    throw new PveError(500, 'detected modified configuration - file change by other user? Try again.\n');
  }
  for (const key of splitList(params.delete ?? '')) delete vm.config[key];
  for (const [key, value] of Object.entries(params)) if (!NOT_CONFIG.has(key)) vm.config[key] = value;
  return null;
};

export const putConfig = updateConfig;
export const postConfig = updateConfig;

export const resize: Handler = (rt, ctx) => {
  const vm = vmOf(rt, ctx);
  const { params } = ctx;
  assertUnlocked(vm, params);
  const disk = vm.config[params.disk!];
  if (!disk) throw new PveError(500, `disk '${params.disk}' does not exist\n`);
  const current = diskBytes(disk);
  const requested = diskBytes(`size=${params.size!.replace(/^\+/, '')}`);
  const wanted = params.size!.startsWith('+') ? current + requested : requested;
  if (wanted < current) throw new PveError(500, 'shrinking disks is not supported\n');
  return rt.tasks.start(
    { node: vm.node, type: 'resize', id: vm.vmid, user: ctx.token.id, durationMs: rt.timing.taskMs },
    () => {
      const gib = Math.ceil(wanted / 1024 ** 3);
      vm.config[params.disk!] = disk.replace(/(^|,)size=[^,]*/, `$1size=${gib}G`);
    },
  );
};
