// Every step of every plan, by name. The `satisfies` makes a missing step a compile error.
import type { StepRegistry } from './step.ts';
import { VM_STEPS } from './vm-steps.ts';
import { REMOTE_STEPS } from './remote-steps.ts';
import { createRunner, deleteRunner, pauseRunner } from './runner-steps.ts';
import { announce, clearRecords } from './fleet-steps.ts';
import { validate } from './validate.ts';

export const STEPS = {
  ...VM_STEPS,
  ...REMOTE_STEPS,
  'create-runner': createRunner,
  'pause-runner': pauseRunner,
  'delete-runner': deleteRunner,
  validate,
  announce,
  'clear-records': clearRecords,
} satisfies StepRegistry;
