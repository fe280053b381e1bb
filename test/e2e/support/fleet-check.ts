// What an operator would count after any number of crashes: in the VMID range, every VM has
// exactly one GitLab runner of its name and every runner a VM; nothing exists twice.
import { PROXMOX_LAYOUT } from '../../../sandbox/simulators.ts';
import type { GitlabSim, SimRunner } from '../../../sim/gitlab/index.ts';
import type { ProxmoxSim, SimVm } from '../../../sim/proxmox/index.ts';
import type { VmFarm } from '../../../sim/vm/index.ts';

export interface FleetView {
  vms: SimVm[];
  runners: SimRunner[];
}

type Range = { min: number; max: number };

export function fleetView(
  sims: { proxmox: ProxmoxSim; gitlab: GitlabSim },
  { min, max }: Range = PROXMOX_LAYOUT.vmidRange,
): FleetView {
  return {
    vms: [...sims.proxmox.state.vms.values()].filter((vm) => vm.vmid >= min && vm.vmid <= max),
    runners: sims.gitlab.runners(),
  };
}

export function vmsNamed(sims: { proxmox: ProxmoxSim; gitlab: GitlabSim }, name: string): SimVm[] {
  return fleetView(sims).vms.filter((vm) => vm.config.name === name);
}

export function runnersNamed(sims: { gitlab: GitlabSim }, name: string): SimRunner[] {
  return sims.gitlab.runners().filter((runner) => runner.description === name);
}

/** Every orphan or duplicate, as a sentence; empty when the fleet is whole. */
export function fleetProblems(
  sims: { proxmox: ProxmoxSim; gitlab: GitlabSim; farm?: VmFarm },
  range?: Range,
): string[] {
  const { vms, runners } = fleetView(sims, range);
  const problems: string[] = [];
  const count = (names: string[]) => names.reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map<string, number>());
  for (const [name, n] of count(vms.map((vm) => vm.config.name ?? '')))
    if (n > 1) problems.push(`${n} VMs named ${name}`);
  for (const [name, n] of count(runners.map((r) => r.description)))
    if (n > 1) problems.push(`${n} GitLab runners named ${name}`);
  for (const vm of vms)
    if (!runners.some((r) => r.description === vm.config.name))
      problems.push(`VM ${vm.vmid} (${vm.config.name}) has no GitLab runner`);
  for (const r of runners)
    if (!vms.some((vm) => vm.config.name === r.description))
      problems.push(`GitLab runner ${r.id} (${r.description}) has no VM`);
  for (const machine of sims.farm?.list() ?? []) {
    if (!sims.proxmox.state.vms.has(machine.vmid))
      problems.push(`machine ${machine.vmid} (${machine.name}) runs without a Proxmox VM`);
  }
  return problems;
}
