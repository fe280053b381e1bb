// With `onFailure: destroy`, a provision that failed for good removes what it made: its GitLab
// runner, then its VM (for a replace-then-retire rebuild, its successor's, never the old runner). Only what this run recorded in its outputs is touched, and the delete
// steps re-check ownership, so a failure can never remove somebody else's VM. The clean-up runs
// through the step loop in memory: each step drops the outputs it declares it clears.
import { CLEAN_UP_STEPS, replacesFirst, retireStart } from '../core/plan.ts';
import type { RunRecord } from '../core/run.ts';
import { runPlan, saveInMemory } from './steps/run-plan.ts';
import type { JobMemory, Step, StepDeps, StepRegistry } from './steps/step.ts';
import { successorView } from './steps/successor-steps.ts';

export async function cleanUpAfterFailure(
  deps: { steps: StepRegistry; stepDeps: StepDeps },
  run: RunRecord,
  memory: JobMemory,
  signal: AbortSignal,
): Promise<RunRecord | null> {
  if (deps.stepDeps.settings.onFailure !== 'destroy' || run.kind === 'deprovision') return null;
  if (replacesFirst(run.plan)) {
    // Only a successor that never got past its own steps is removed: from the first change to the
    // old runner on, the successor is the one that serves, and it stays.
    if (run.checkpoint >= retireStart(run.plan)) return null;
    const after = await cleanUp(deps, successorView(run), memory, signal);
    return after && { ...run, outputs: { ...run.outputs, successor: after.outputs } };
  }
  if (!inProvisionPart(run)) return null;
  return cleanUp(deps, run, memory, signal);
}

async function cleanUp(
  deps: { steps: StepRegistry; stepDeps: StepDeps },
  run: RunRecord,
  memory: JobMemory,
  signal: AbortSignal,
): Promise<RunRecord | null> {
  if (run.outputs.vmid === undefined && run.outputs.runnerId === undefined) return null;
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

/** An in-place rebuild's first half removes the old runner; clean-up only concerns the new one. */
function inProvisionPart(run: RunRecord): boolean {
  const step = run.plan[run.checkpoint];
  return step !== undefined && run.plan.indexOf('find-vm') <= run.checkpoint;
}
