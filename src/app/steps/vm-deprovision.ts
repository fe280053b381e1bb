// confirm-vm: find the VM named after the runner and make sure runnerbot manages it (gone is
// fine). delete-vm: destroy the run's VM, and every other VM of runnerbot's under that name (a
// half-made clone a crash left behind), with purge and unreferenced disks; gone is done. What it
// removed is kept in `removedVmids` for the summary.
import type { RunOutputs } from '../../core/run.ts';
import type { Step, StepContext } from './step.ts';
import { ourVmsNamed, ownVm } from './vm-ownership.ts';
import { waitForTask } from './task-wait.ts';

async function confirmedVm(ctx: StepContext): Promise<Partial<RunOutputs>> {
  const recorded = ctx.run.outputs.vmid;
  const named = await ourVmsNamed(ctx);
  const vm = named.find((v) => v.vmid === recorded) ?? named[0];
  return vm ? { vmid: vm.vmid, node: vm.node } : { vmid: undefined, node: undefined };
}

export const confirmVm: Step = {
  name: 'confirm-vm',
  async check(ctx) {
    return { done: true, outputs: await confirmedVm(ctx) };
  },
  apply: confirmedVm,
};

async function removeVm(ctx: StepContext, node: string, vmid: number): Promise<void> {
  const { hypervisor } = ctx.deps;
  if ((await hypervisor.getVmStatus(node, vmid)) === 'running')
    await waitForTask(ctx, await hypervisor.stopVm(node, vmid), `stop VM ${vmid}`);
  const task = await hypervisor.deleteVm(node, vmid);
  if (task) await waitForTask(ctx, task, `delete VM ${vmid}`);
}

/** The VMs this step still has to remove: the run's own, then any other of ours under its name. */
async function toRemove(ctx: StepContext) {
  const own = await ownVm(ctx);
  const others = (await ourVmsNamed(ctx)).filter((vm) => vm.vmid !== own?.vmid);
  return own ? [own, ...others] : others;
}

export const deleteVm: Step = {
  name: 'delete-vm',
  clears: ['vmid', 'ip'],
  async check(ctx) {
    return (await toRemove(ctx)).length > 0 ? { done: false } : { done: true };
  },
  async apply(ctx) {
    const removed = [...(ctx.run.outputs.removedVmids ?? [])];
    for (const vm of await toRemove(ctx)) {
      await removeVm(ctx, vm.node, vm.vmid);
      removed.push(vm.vmid);
      await ctx.save?.({ removedVmids: removed });
    }
    return { removedVmids: removed };
  },
};
