// How a finished step is told: it changed something (applied), its check found its work already
// there (already done), or it only reads or waits and so never has anything to do (checked).

import type { StepName } from './plan.ts';

export type StepOutcome = 'applied' | 'already done' | 'checked';

/** Steps that look (find-vm, confirm-vm) or wait (wait-ip, wait-ssh, verify) and change nothing. */
export const READ_ONLY_STEPS: ReadonlySet<StepName> = new Set([
  'find-vm',
  'confirm-vm',
  'wait-ip',
  'wait-ssh',
  'verify',
]);

/** A rebuild's successor step (`successor:wait-ip`) is told like the step it runs. */
const ownStep = (step: StepName): StepName => step.replace(/^successor:/, '') as StepName;

export const stepOutcome = (step: StepName, applied: boolean): StepOutcome =>
  READ_ONLY_STEPS.has(ownStep(step)) ? 'checked' : applied ? 'applied' : 'already done';
