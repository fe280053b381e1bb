// find-vm: reuse the VM already named after the runner if runnerbot manages it (a half-made
// clone of an earlier run included), refuse if not.
// reserve-vmid: the lowest VMID in the range no VM uses, claimed among workers and confirmed
// with Proxmox (`/cluster/nextid?vmid=`).
import { permanent } from '../../core/errors.ts';
import type { RunOutputs } from '../../core/run.ts';
import type { Step, StepContext } from './step.ts';
import { notOurs, ourVmsNamed } from './vm-ownership.ts';

async function existingVm(ctx: StepContext): Promise<Partial<RunOutputs>> {
  const template = (await ctx.deps.hypervisor.listVms()).find((vm) => vm.name === ctx.run.runner && vm.template);
  if (template) throw notOurs(template, 'it is a template');
  const named = await ourVmsNamed(ctx);
  if (named.length > 1) {
    throw permanent(
      'STEP.UNRECOVERABLE',
      `several VMs are named ${ctx.run.runner} (VMIDs ${named.map((vm) => vm.vmid).join(', ')}); deprovision ${ctx.run.runner} removes them all`,
    );
  }
  const [vm] = named;
  return vm ? { vmid: vm.vmid, node: vm.node } : {};
}

export const findVm: Step = {
  name: 'find-vm',
  async check(ctx) {
    return { done: true, outputs: await existingVm(ctx) };
  },
  apply: existingVm,
};

export const reserveVmid: Step = {
  name: 'reserve-vmid',
  async check({ run }) {
    return run.outputs.vmid !== undefined ? { done: true } : { done: false };
  },
  async apply({ run, deps }) {
    const { min, max } = deps.settings.proxmox.vmidRange;
    const used = new Set((await deps.hypervisor.listVms()).map((vm) => vm.vmid));
    for (let vmid = min; vmid <= max; vmid++) {
      if (used.has(vmid)) continue;
      if (!(await deps.coordination.claimVmid(vmid, run.id))) continue;
      if (await deps.hypervisor.isVmidFree(vmid)) return { vmid };
    }
    throw permanent(
      'STEP.UNRECOVERABLE',
      `no free VMID left in ${min}-${max}; widen proxmox.vmidRange or delete unused VMs`,
    );
  },
};
