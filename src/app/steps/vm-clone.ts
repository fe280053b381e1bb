// clone: copy the template onto the online node with the most free memory that can use it (a
// template per node, or the shared one), holding one of that node's clone slots; then wait for
// the task and for the new VM's config lock. Resumable: a saved UPID is waited for, and a VM
// at the reserved VMID whose description names this run is its clone, never cloned twice.
import { hasCode, permanent, transient } from '../../core/errors.ts';
import type { NodeSummary, VmSummary } from '../../core/ports.ts';
import type { Step, StepContext } from './step.ts';
import { cloneDescription, locateVm, ownershipProblem } from './vm-ownership.ts';
import { waitUnlocked } from './vm-wait.ts';

interface Placement {
  node: string;
  templateNode: string;
  templateVmid: number;
}

export function choosePlacement(ctx: StepContext, nodes: NodeSummary[], vms: VmSummary[]): Placement {
  const p = ctx.deps.settings.proxmox;
  const pinned = ctx.run.spec.node;
  if (pinned !== undefined && !p.nodes.includes(pinned)) {
    throw permanent('STEP.UNRECOVERABLE', `node ${pinned} is not one of the configured Proxmox nodes (${p.nodes.join(', ')})`);
  }
  const templateFor = (node: string) =>
    p.templates[node] !== undefined ? { templateNode: node, templateVmid: p.templates[node] } : { templateNode: p.templateNode, templateVmid: p.templateVmid };
  const hasTemplate = (t: { templateNode: string; templateVmid: number }) => vms.some((vm) => vm.template && vm.vmid === t.templateVmid && vm.node === t.templateNode);

  const wanted = p.nodes.filter((node) => pinned === undefined || node === pinned).map((node) => ({ node, ...templateFor(node) }));
  const usable = wanted.filter(hasTemplate);
  if (usable.length === 0) {
    const missing = [...new Set(wanted.map((t) => `${t.templateVmid} on ${t.templateNode}`))].join(', ');
    throw permanent('PROXMOX.TEMPLATE_MISSING', `the template VM ${missing} does not exist (or is not a template); check proxmox.templateVmid and proxmox.templates`);
  }
  const free = (node: string) => nodes.find((n) => n.node === node && n.online)?.freeMemoryBytes;
  const online = usable.filter((c) => free(c.node) !== undefined).sort((a, b) => free(b.node)! - free(a.node)!);
  if (online.length === 0) throw transient('STEP.TRANSIENT', `none of the Proxmox nodes ${usable.map((c) => c.node).join(', ')} is online`);
  return online[0]!;
}

async function waitForSavedClone(ctx: StepContext, upid: string): Promise<void> {
  const node = /^UPID:([^:]+):/.exec(upid)?.[1] ?? ctx.run.outputs.node ?? '';
  await ctx.deps.hypervisor.waitTask({ node, upid }, ctx.deps.settings.timeouts.taskMs).catch((error: unknown) => {
    // A failed clone leaves no VM behind; the checks below clone again.
    if (!hasCode(error, 'PROXMOX.TASK_FAILED')) throw error;
  });
}

async function startClone(ctx: StepContext, vmid: number): Promise<{ node: string; cloneUpid: string }> {
  const { hypervisor, coordination, settings } = ctx.deps;
  const [nodes, vms] = await Promise.all([hypervisor.listNodes(), hypervisor.listVms()]);
  const placement = choosePlacement(ctx, nodes, vms);
  const release = await coordination.acquireCloneSlot(placement.node, ctx.run.id, ctx.signal);
  try {
    const task = await hypervisor.cloneVm({
      ...placement,
      newid: vmid,
      name: ctx.run.runner,
      description: cloneDescription(ctx.run),
      targetNode: placement.node,
      pool: settings.proxmox.pool,
      full: settings.proxmox.fullClone,
      ...(settings.proxmox.storage ? { storage: settings.proxmox.storage } : {}),
    });
    await ctx.save?.({ node: placement.node, cloneUpid: task.upid });
    await hypervisor.waitTask(task, settings.timeouts.taskMs);
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
      throw permanent('RUNNER.NOT_OURS', `VMID ${vmid} was taken by VM "${existing.name}" (${problem}) after runnerbot reserved it; run the provision again to reserve another`);
    }
    const started = existing ? { node: existing.node, cloneUpid: ctx.run.outputs.cloneUpid } : await startClone(ctx, vmid);
    const node = (await locateVm(ctx, vmid))?.node ?? started.node;
    await waitUnlocked(ctx, node, vmid);
    return { node, ...(started.cloneUpid ? { cloneUpid: started.cloneUpid } : {}) };
  },
};
