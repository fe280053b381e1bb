// Whether a rebuild can replace then retire: for a while it holds one more VM than the fleet, so
// some node needs free memory for the largest profile and the VMID range a free id.
import type { Hypervisor } from '../../core/ports.ts';
import type { ProvisionSettings } from '../../core/settings.ts';
import { fail, pass, type CheckResult } from './check.ts';

const NAME = 'proxmox room for a rebuild';
const FIX =
  'rebuild with `--in-place` (the old runner is removed first, its jobs wait meanwhile), or free memory / widen proxmox.vmidRange';
const MIB = 1024 * 1024;

export interface LargestProfile {
  name: string;
  memoryMiB: number;
}

export async function rebuildRoomCheck(
  hypervisor: Hypervisor,
  settings: ProvisionSettings['proxmox'],
  largest: LargestProfile,
): Promise<CheckResult> {
  const [nodes, vms] = await Promise.all([hypervisor.listNodes(), hypervisor.listVms()]);
  const { min, max } = settings.vmidRange;
  const used = new Set(vms.map((vm) => vm.vmid));
  let freeVmid: number | undefined;
  for (let vmid = min; vmid <= max && freeVmid === undefined; vmid++) if (!used.has(vmid)) freeVmid = vmid;
  const roomy = nodes
    .filter((n) => n.online && settings.nodes.includes(n.node))
    .sort((a, b) => b.freeMemoryBytes - a.freeMemoryBytes)[0];
  const freeMiB = roomy ? Math.floor(roomy.freeMemoryBytes / MIB) : 0;
  const problems = [
    freeMiB < largest.memoryMiB &&
      `no node has ${largest.memoryMiB} MiB free for one more VM of profile ${largest.name} (most: ${freeMiB} MiB${roomy ? ` on ${roomy.node}` : ''})`,
    freeVmid === undefined && `no VMID is free in ${min}-${max}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) return fail(NAME, `replace-then-retire is not possible: ${problems.join('; ')}`, FIX);
  return pass(
    NAME,
    `replace-then-retire is possible: ${roomy!.node} has ${freeMiB} MiB free (profile ${largest.name} needs ${largest.memoryMiB}), VMID ${freeVmid} is free`,
  );
}
