// Which VMs runnerbot may touch: those carrying the `gitlab-runner` and `runnerbot` tags, in the
// configured pool and VMID range — plus, between its clone and its configure step, the untagged
// clone a run made itself: the runner's name at the VMID the run reserved, in the pool and range.
import { permanent } from '../../core/errors.ts';
import type { VmSummary } from '../../core/ports.ts';
import type { RunRecord } from '../../core/run.ts';
import type { ProvisionSettings } from '../../core/settings.ts';
import type { StepContext } from './step.ts';

export const MANAGED_TAGS = ['gitlab-runner', 'runnerbot'] as const;

export const inVmidRange = (vmid: number, settings: ProvisionSettings): boolean =>
  vmid >= settings.proxmox.vmidRange.min && vmid <= settings.proxmox.vmidRange.max;

/** Why runnerbot does not manage this VM, or null when it does. */
export function notManagedBecause(vm: VmSummary, settings: ProvisionSettings): string | null {
  const missing = MANAGED_TAGS.filter((tag) => !vm.tags.includes(tag));
  if (vm.template) return 'it is a template';
  if (missing.length > 0) return `it lacks the tag${missing.length > 1 ? 's' : ''} ${missing.join(' and ')}`;
  if (vm.pool !== settings.proxmox.pool) return `it is not in the pool ${settings.proxmox.pool}`;
  const { min, max } = settings.proxmox.vmidRange;
  if (!inVmidRange(vm.vmid, settings)) return `its VMID is outside ${min}-${max}`;
  return null;
}

/** The run's own clone, before it is tagged: right name, pool and range, not a template. */
export const isCloneFor = (vm: VmSummary, run: RunRecord, settings: ProvisionSettings): boolean =>
  !vm.template && vm.name === run.runner && vm.pool === settings.proxmox.pool && inVmidRange(vm.vmid, settings);

export function ownedByRun(vm: VmSummary, run: RunRecord, settings: ProvisionSettings): boolean {
  if (vm.name !== run.runner) return false;
  if (notManagedBecause(vm, settings) === null) return true;
  return isCloneFor(vm, run, settings) && vm.vmid === run.outputs.vmid;
}

export const notOurs = (vm: VmSummary, why: string) =>
  permanent(
    'RUNNER.NOT_OURS',
    `VM ${vm.vmid} "${vm.name}" on ${vm.node} is not managed by runnerbot (${why}); runnerbot will not change it. Rename that VM or choose another runner name.`,
  );

export async function locateVm(ctx: StepContext, vmid: number): Promise<VmSummary | undefined> {
  return (await ctx.deps.hypervisor.listVms()).find((vm) => vm.vmid === vmid);
}

/** The run's VM, checked to be ours before anything changes it; undefined when it is gone. */
export async function ownVm(ctx: StepContext): Promise<VmSummary | undefined> {
  const { vmid } = ctx.run.outputs;
  if (vmid === undefined) return undefined;
  const vm = await locateVm(ctx, vmid);
  if (vm && !ownedByRun(vm, ctx.run, ctx.deps.settings)) {
    throw notOurs(vm, vm.name !== ctx.run.runner ? `it is named "${vm.name}", not "${ctx.run.runner}"` : (notManagedBecause(vm, ctx.deps.settings) ?? 'unknown'));
  }
  return vm;
}

export async function requireOwnVm(ctx: StepContext): Promise<VmSummary> {
  const vm = await ownVm(ctx);
  if (!vm) throw permanent('STEP.UNRECOVERABLE', `VM ${ctx.run.outputs.vmid ?? '(no VMID recorded)'} for ${ctx.run.runner} does not exist; run the provision again`);
  return vm;
}
