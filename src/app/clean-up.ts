// With `onFailure: destroy`, a provision that failed for good removes what it made: its GitLab
// runner, then its VM. Only what this run recorded in its outputs is touched, and the delete
// steps re-check ownership, so a failure can never remove somebody else's VM.
import type { RunRecord } from '../core/run.ts';
import type { JobMemory, StepContext, StepDeps, StepRegistry } from './steps/step.ts';

const CLEAN_UP_STEPS = ['delete-runner', 'stop-vm', 'delete-vm'] as const;

export async function cleanUpAfterFailure(
  deps: { steps: StepRegistry; stepDeps: StepDeps },
  run: RunRecord,
  memory: JobMemory,
  signal: AbortSignal,
): Promise<RunRecord | null> {
  if (deps.stepDeps.settings.onFailure !== 'destroy' || run.kind === 'deprovision') return null;
  if (!inProvisionPart(run) || (run.outputs.vmid === undefined && run.outputs.runnerId === undefined)) return null;

  let current = run;
  for (const name of CLEAN_UP_STEPS) {
    const ctx: StepContext = { run: current, deps: deps.stepDeps, memory, signal };
    const step = deps.steps[name];
    try {
      const check = await step.check(ctx);
      if (!check.done) await step.apply(ctx);
      if (name === 'delete-runner') current = { ...current, outputs: { ...current.outputs, runnerId: undefined } };
      if (name === 'delete-vm') current = { ...current, outputs: { ...current.outputs, vmid: undefined, ip: undefined } };
    } catch {
      // What could not be removed stays listed in the outputs, so the failure report names it.
      return current;
    }
  }
  return current;
}

/** A reprovision's first half removes the old runner; clean-up only concerns the new one. */
function inProvisionPart(run: RunRecord): boolean {
  const step = run.plan[run.checkpoint];
  return step !== undefined && run.plan.indexOf('find-vm') <= run.checkpoint;
}
