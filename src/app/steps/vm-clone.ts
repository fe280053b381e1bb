// clone: copy the template onto the online node with the most free memory that can use it (see
// placement.ts), holding one of that node's clone slots; then wait for
// the task and for the new VM's config lock. Resumable: a saved UPID is waited for, and a VM
// at the reserved VMID whose description names this run is its clone, never cloned twice.
import { hasCode, permanent } from '../../core/errors.ts';
import { choosePlacement, placementFacts } from './placement.ts';
import { waitForTask } from './task-wait.ts';
import type { Step, StepContext } from './step.ts';
import { cloneDescription, locateVm, ownershipProblem } from './vm-ownership.ts';
import { waitUnlocked } from './vm-wait.ts';

async function waitForSavedClone(ctx: StepContext, upid: string): Promise<void> {
  const node = /^UPID:([^:]+):/.exec(upid)?.[1] ?? ctx.run.outputs.node ?? '';
  await ctx.deps.hypervisor.waitTask({ node, upid }, ctx.deps.settings.timeouts.taskMs).catch((error: unknown) => {
    // A failed clone leaves no VM behind; the checks below clone again.
    if (!hasCode(error, 'PROXMOX.TASK_FAILED')) throw error;
  });
}

async function startClone(ctx: StepContext, vmid: number): Promise<{ node: string; cloneUpid: string }> {
  const { hypervisor, coordination, settings } = ctx.deps;
  const placement = choosePlacement(
    settings.proxmox,
    ctx.run.spec.node,
    await placementFacts(hypervisor, settings.proxmox),
  );
  const release = await coordination.acquireCloneSlot(placement.node, ctx.run.id, ctx.signal);
  try {
    const task = await hypervisor.cloneVm({
      templateNode: placement.templateNode,
      templateVmid: placement.templateVmid,
      newid: vmid,
      name: ctx.run.runner,
      description: cloneDescription(ctx.run),
      targetNode: placement.node,
      pool: settings.proxmox.pool,
      full: settings.proxmox.fullClone,
      ...(settings.proxmox.storage ? { storage: settings.proxmox.storage } : {}),
    });
    await ctx.save?.({ node: placement.node, cloneUpid: task.upid });
    await waitForTask(ctx, task, `clone template ${placement.templateVmid} into VM ${vmid}`);
    return { node: placement.node, cloneUpid: task.upid };
  } finally {
    await release();
  }
}

function requireVmid(ctx: StepContext): number {
  const { vmid } = ctx.run.outputs;
  if (vmid === undefined) throw permanent('STEP.UNRECOVERABLE', 'clone needs the VMID that reserve-vmid records');
  return vmid;
}

export const cloneVm: Step = {
  name: 'clone',
  async check(ctx) {
    const vm = ctx.run.outputs.vmid === undefined ? undefined : await locateVm(ctx, ctx.run.outputs.vmid);
    if (!vm || (await ownershipProblem(ctx, vm))) return { done: false };
    const config = await ctx.deps.hypervisor.getVmConfig(vm.node, vm.vmid);
    return config.lock === undefined ? { done: true, outputs: { node: vm.node } } : { done: false };
  },
  async apply(ctx) {
    const vmid = requireVmid(ctx);
    if (ctx.run.outputs.cloneUpid) await waitForSavedClone(ctx, ctx.run.outputs.cloneUpid);
    const existing = await locateVm(ctx, vmid);
    const problem = existing ? await ownershipProblem(ctx, existing) : null;
    if (existing && problem) {
      throw permanent(
        'RUNNER.NOT_OURS',
        `VMID ${vmid} was taken by VM "${existing.name}" (${problem}) after runnerbot reserved it; run the provision again to reserve another`,
      );
    }
    const started = existing
      ? { node: existing.node, cloneUpid: ctx.run.outputs.cloneUpid }
      : await startClone(ctx, vmid);
    const node = (await locateVm(ctx, vmid))?.node ?? started.node;
    await waitUnlocked(ctx, node, vmid);
    return { node, ...(started.cloneUpid ? { cloneUpid: started.cloneUpid } : {}) };
  },
};
