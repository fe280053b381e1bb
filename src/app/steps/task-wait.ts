// Waits for a Proxmox task a step started. A task that ended `WARNINGS: N` succeeded; its warning
// lines go to the step's warnings, which run-job keeps in the audit trail and the notifier posts.
import type { TaskRef } from '../../core/ports.ts';
import type { StepContext } from './step.ts';

export async function waitForTask(ctx: StepContext, task: TaskRef, what: string): Promise<void> {
  const { warnings } = await ctx.deps.hypervisor.waitTask(task, ctx.deps.settings.timeouts.taskMs);
  if (warnings.length > 0) ctx.warn?.(warnings.map((warning) => `${what}: ${warning}`));
}
