// Every step of every plan, by name. The `satisfies` makes a missing step a compile error.
import type { StepRegistry } from './step.ts';
import { VM_STEPS } from './vm-steps.ts';
import { REMOTE_STEPS } from './remote-steps.ts';
import { createRunner, deleteRunner, pauseRunner } from './runner-steps.ts';
import { announce, clearRecords } from './fleet-steps.ts';
import { adoptSuccessor } from './adopt-successor.ts';
import { successorSteps } from './successor-steps.ts';
import { bootstrapSite } from './site-hook-step.ts';
import { installToken, recordToken, resetToken } from './rotation-steps.ts';
import { rotateFleet } from './rotate-fleet.ts';
import { validate } from './validate.ts';

const OWN_STEPS = {
  ...VM_STEPS,
  ...REMOTE_STEPS,
  'bootstrap-site': bootstrapSite,
  'create-runner': createRunner,
  'pause-runner': pauseRunner,
  'delete-runner': deleteRunner,
  validate,
  announce,
  'clear-records': clearRecords,
};

export const STEPS = {
  ...OWN_STEPS,
  ...successorSteps(OWN_STEPS),
  'adopt-successor': adoptSuccessor,
  'reset-token': resetToken,
  'install-token': installToken,
  'record-token': recordToken,
  'rotate-fleet': rotateFleet,
} satisfies StepRegistry;
