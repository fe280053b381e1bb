// confirm-vm: find the VM named after the runner and make sure runnerbot manages it (gone is
// fine). delete-vm: destroy the run's VM with purge and its unreferenced disks (gone is done).
import { permanent } from '../../core/errors.ts';
import type { RunOutputs } from '../../core/run.ts';
import type { Step, StepContext } from './step.ts';
import { notManagedBecause, notOurs, ownVm } from './vm-ownership.ts';
import { waitForTask } from './task-wait.ts';

async function confirmedVm(ctx: StepContext): Promise<Partial<RunOutputs>> {
  const named = (await ctx.deps.hypervisor.listVms()).filter((vm) => vm.name === ctx.run.runner && !vm.template);
  for (const vm of named) {
    const why = notManagedBecause(vm, ctx.deps.settings);
    if (why) throw notOurs(vm, why);
  }
  if (named.length > 1) {
    throw permanent('STEP.UNRECOVERABLE', `several VMs are named ${ctx.run.runner} (VMIDs ${named.map((vm) => vm.vmid).join(', ')}); remove the extra ones by hand`);
  }
  const [vm] = named;
  return vm ? { vmid: vm.vmid, node: vm.node } : { vmid: undefined, node: undefined };
}

export const confirmVm: Step = {
  name: 'confirm-vm',
  async check(ctx) {
    return { done: true, outputs: await confirmedVm(ctx) };
  },
  apply: confirmedVm,
};

export const deleteVm: Step = {
  name: 'delete-vm',
  async check(ctx) {
    return (await ownVm(ctx)) ? { done: false } : { done: true };
  },
  async apply(ctx) {
    const vm = await ownVm(ctx);
    if (!vm) return;
    const task = await ctx.deps.hypervisor.deleteVm(vm.node, vm.vmid);
    if (task) await waitForTask(ctx, task, `delete VM ${vm.vmid}`);
  },
};
