// The guest behind a running VM: boots (through the VmHost when there is one), then its agent
// reports lo, eth0 with the VM's address (plus an IPv6 link-local one), and later docker0.
import { PveError } from './errors.ts';
import type { SimRuntime } from './runtime.ts';
import type { SimVm } from './state.ts';

const recordFailure = (rt: SimRuntime, what: string) => (error: unknown) => {
  rt.hostErrors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
};

/** What qemu-server warns at the start of a UEFI VM whose EFI disk lacks the 2023 certificates. */
export const efiCertWarning = (vmid: number): string =>
  [
    "EFI disk without 'ms-cert=2023k' option, suggesting that not all UEFI 2023",
    'certificates from Microsoft are enrolled yet.',
    'The UEFI 2011 certificates expire in June 2026! The new certificates are required',
    'for secure boot update for Windows and common Linux distributions.',
    "Use 'Disk Action > Enroll Updated Certificates' in the UI or, while the VM is",
    `shut down, run 'qm enroll-efi-keys ${vmid}' to enroll the new certificates.`,
  ].join('\n');

const bootRequest = (vm: SimVm) => ({
  vmid: vm.vmid,
  name: vm.config.name ?? `vm${vm.vmid}`,
  ciuser: vm.config.ciuser ?? 'root',
  sshPublicKey: decodeURIComponent(vm.config.sshkeys ?? ''),
  config: Object.fromEntries(Object.entries(vm.config).filter((e): e is [string, string] => typeof e[1] === 'string')),
});

/** Boots the guest; returns the start task's warnings. */
export function bootGuest(rt: SimRuntime, vm: SimVm): string[] {
  vm.status = 'running';
  const efidisk = vm.config.efidisk0;
  const warnings =
    efidisk !== undefined && !/(^|,)ms-cert=2023/.test(efidisk) && /(^|,)pre-enrolled-keys=1/.test(efidisk)
      ? [efiCertWarning(vm.vmid)]
      : [];
  const readyAt = Date.now() + rt.timing.agentBootMs;
  if (!rt.vmHost) {
    vm.ip = `127.0.0.${2 + (vm.vmid % 250)}`;
    vm.agentReadyAt = readyAt;
    return warnings;
  }
  const host = rt.vmHost;
  host
    .boot(bootRequest(vm))
    .then(({ ip }) => {
      if (vm.status !== 'running') return host.halt(vm.vmid);
      vm.ip = ip;
      vm.agentReadyAt = Math.max(readyAt, Date.now());
    })
    .catch(recordFailure(rt, `boot ${vm.vmid}`));
  return warnings;
}

export function haltGuest(rt: SimRuntime, vm: SimVm): void {
  vm.status = 'stopped';
  vm.agentReadyAt = undefined;
  rt.vmHost?.halt(vm.vmid).catch(recordFailure(rt, `halt ${vm.vmid}`));
}

/** `qm reboot`: the machine goes down and comes back with the same disk (a new boot of its agent). */
export async function rebootGuest(rt: SimRuntime, vm: SimVm): Promise<void> {
  if (vm.status !== 'running') throw new PveError(500, `VM ${vm.vmid} not running\n`);
  if (!rt.vmHost?.reboot) return;
  vm.agentReadyAt = undefined;
  await rt.vmHost.reboot(bootRequest(vm));
  vm.agentReadyAt = Date.now();
}

export function destroyGuest(rt: SimRuntime, vm: SimVm): void {
  rt.state.vms.delete(vm.vmid);
  rt.vmHost?.destroy(vm.vmid).catch(recordFailure(rt, `destroy ${vm.vmid}`));
}

const agentEnabled = (vm: SimVm): boolean => /^(enabled=)?1(,|$)/.test(vm.config.agent ?? '');

const iface = (name: string, mac: string, addresses: Array<[string, 'ipv4' | 'ipv6', number]>) => ({
  name,
  'hardware-address': mac,
  'ip-addresses': addresses.map(([address, type, prefix]) => ({
    'ip-address': address,
    'ip-address-type': type,
    prefix,
  })),
  statistics: {
    'rx-bytes': 0,
    'rx-packets': 0,
    'tx-bytes': 0,
    'tx-packets': 0,
    'rx-errs': 0,
    'tx-errs': 0,
    'rx-dropped': 0,
    'tx-dropped': 0,
  },
});

/** The answer of `network-get-interfaces`, or the error the agent gives. */
export async function guestInterfaces(rt: SimRuntime, vm: SimVm): Promise<{ result: unknown[] }> {
  if (vm.status !== 'running') throw new PveError(500, `VM ${vm.vmid} is not running\n`);
  if (!agentEnabled(vm)) throw new PveError(500, 'No QEMU guest agent configured\n');
  if (rt.vmHost?.agentInterfaces && vm.agentReadyAt !== undefined) {
    const result = await rt.vmHost.agentInterfaces(vm.vmid).catch(() => {
      throw new PveError(500, 'QEMU guest agent is not running\n');
    });
    return { result };
  }
  const now = Date.now();
  if (vm.agentReadyAt === undefined || now < vm.agentReadyAt || !vm.ip)
    throw new PveError(500, 'QEMU guest agent is not running\n');
  const mac = /=([0-9A-F:]{17})/i.exec(vm.config.net0 ?? '')?.[1]?.toLowerCase() ?? 'bc:24:11:00:00:01';
  const result = [
    iface('lo', '00:00:00:00:00:00', [
      ['127.0.0.1', 'ipv4', 8],
      ['::1', 'ipv6', 128],
    ]),
    iface('eth0', mac, [
      [vm.ip, 'ipv4', 24],
      [`fe80::be24:11ff:fe${mac.slice(9, 11)}:${mac.slice(12, 14)}${mac.slice(15, 17)}`, 'ipv6', 64],
    ]),
  ];
  if (now >= vm.agentReadyAt + rt.timing.dockerAfterMs) {
    result.push(
      iface('docker0', '02:42:ac:11:00:01', [
        ['172.17.0.1', 'ipv4', 16],
        ['fe80::42:acff:fe11:1', 'ipv6', 64],
      ]),
    );
  }
  return { result };
}
