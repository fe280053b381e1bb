// With `onFailure: destroy`, a provision that failed for good removes what it made: its GitLab
// runner, then its VM. Only what this run recorded in its outputs is touched, and the delete
// steps re-check ownership, so a failure can never remove somebody else's VM. The clean-up runs
// through the step loop in memory: each step drops the outputs it declares it clears.
import { CLEAN_UP_STEPS } from '../core/plan.ts';
import type { RunRecord } from '../core/run.ts';
import { runPlan, saveInMemory } from './steps/run-plan.ts';
import type { JobMemory, Step, StepDeps, StepRegistry } from './steps/step.ts';

export async function cleanUpAfterFailure(
  deps: { steps: StepRegistry; stepDeps: StepDeps },
  run: RunRecord,
  memory: JobMemory,
  signal: AbortSignal,
): Promise<RunRecord | null> {
  if (deps.stepDeps.settings.onFailure !== 'destroy' || run.kind === 'deprovision') return null;
  if (!inProvisionPart(run) || (run.outputs.vmid === undefined && run.outputs.runnerId === undefined)) return null;

  const cleanUp = { ...run, plan: [...CLEAN_UP_STEPS], checkpoint: 0 };
  // What could not be removed stays listed in the outputs, so the failure report names it.
  const { run: after } = await runPlan(
    { run: cleanUp, steps: deps.steps, deps: deps.stepDeps, memory, signal },
    {
      save: async (current, { checkpoint }, step) =>
        checkpoint === undefined ? current : saveInMemory(current, { checkpoint, outputs: cleared(step) }),
    },
  );
  return { ...run, outputs: after.outputs };
}

const cleared = (step: Step) => Object.fromEntries((step.clears ?? []).map((key) => [key, undefined]));

/** A reprovision's first half removes the old runner; clean-up only concerns the new one. */
function inProvisionPart(run: RunRecord): boolean {
  const step = run.plan[run.checkpoint];
  return step !== undefined && run.plan.indexOf('find-vm') <= run.checkpoint;
}
