// Which VMs runnerbot may touch: those carrying the `gitlab-runner` and `runnerbot` tags, in the
// configured pool and VMID range — plus, between a clone and its configure step, the untagged
// clone runnerbot made: in the pool and range, its description carrying runnerbot's mark for its
// own name (the clone request sets it, so the VM carries it from the moment it exists). A run
// killed in between, or one that failed there, leaves a VM that provision adopts and deprovision
// removes, never one that blocks the name.
import { permanent } from '../../core/errors.ts';
import type { Hypervisor, VmSummary } from '../../core/ports.ts';
import type { RunRecord } from '../../core/run.ts';
import type { ProvisionSettings } from '../../core/settings.ts';
import type { StepContext } from './step.ts';

export const MANAGED_TAGS = ['gitlab-runner', 'runnerbot'] as const;

export const cloneDescription = (run: RunRecord): string => `${run.runner}: managed by runnerbot (run ${run.id})`;

/** Whether a VM's description is runnerbot's clone mark for a VM of this name. */
export const carriesCloneMark = (description: unknown, name: string): boolean =>
  typeof description === 'string' && description.startsWith(`${name}: managed by runnerbot (run `);

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

/** Why runnerbot may not touch `vm` (tagged, or an untagged clone carrying its mark), or null when it may. */
export async function notOursBecause(
  hypervisor: Hypervisor,
  vm: VmSummary,
  settings: ProvisionSettings,
): Promise<string | null> {
  const why = notManagedBecause(vm, settings);
  if (why === null) return null;
  if (vm.template || vm.pool !== settings.proxmox.pool || !inVmidRange(vm.vmid, settings)) return why;
  const config = await hypervisor.getVmConfig(vm.node, vm.vmid);
  return carriesCloneMark(config.description, vm.name) ? null : why;
}

/** Why this run may not change `vm`, or null when it may. */
export async function ownershipProblem(ctx: StepContext, vm: VmSummary): Promise<string | null> {
  const { run, deps } = ctx;
  if (vm.name !== run.runner) return `it is named "${vm.name}", not "${run.runner}"`;
  return notOursBecause(deps.hypervisor, vm, deps.settings);
}

/** Every VM named after the run's runner, each checked to be ours (else RUNNER.NOT_OURS). */
export async function ourVmsNamed(ctx: StepContext): Promise<VmSummary[]> {
  const named = (await ctx.deps.hypervisor.listVms()).filter((vm) => vm.name === ctx.run.runner && !vm.template);
  for (const vm of named) {
    const why = await notOursBecause(ctx.deps.hypervisor, vm, ctx.deps.settings);
    if (why) throw notOurs(vm, why);
  }
  return named.sort((a, b) => a.vmid - b.vmid);
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
  const problem = vm ? await ownershipProblem(ctx, vm) : null;
  if (vm && problem) throw notOurs(vm, problem);
  return vm;
}

export async function requireOwnVm(ctx: StepContext): Promise<VmSummary> {
  const vm = await ownVm(ctx);
  if (!vm)
    throw permanent(
      'STEP.UNRECOVERABLE',
      `VM ${ctx.run.outputs.vmid ?? '(no VMID recorded)'} for ${ctx.run.runner} does not exist; run the provision again`,
    );
  return vm;
}
