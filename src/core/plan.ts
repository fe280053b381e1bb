// The ordered steps of each kind of run. Every step is idempotent: it checks whether its work is
// already done before it applies anything, so a retried or resumed run repeats nothing.

export type RunKind = 'provision' | 'deprovision' | 'reprovision';

export const PROVISION_STEPS = [
  'find-vm',
  'reserve-vmid',
  'clone',
  'configure',
  'resize-disk',
  'start',
  'wait-ip',
  'wait-ssh',
  'bootstrap-docker',
  'bootstrap-runner',
  'bootstrap-firewall',
  'bootstrap-monitoring',
  'create-runner',
  'write-config',
  'verify',
  'announce',
] as const;

export const DEPROVISION_STEPS = [
  'pause-runner',
  'delete-runner',
  'confirm-vm',
  'stop-vm',
  'delete-vm',
  'clear-records',
] as const;

/** What a failed provision runs to remove what it made (with `onFailure: destroy`). */
export const CLEAN_UP_STEPS = ['delete-runner', 'stop-vm', 'delete-vm'] as const satisfies readonly DeprovisionStep[];

export type ProvisionStep = (typeof PROVISION_STEPS)[number];
export type DeprovisionStep = (typeof DEPROVISION_STEPS)[number];
/** Runs the validation pipeline on the new runner, after `verify`; only when validation is configured. */
export const VALIDATE_STEP = 'validate';
export type StepName = ProvisionStep | DeprovisionStep | typeof VALIDATE_STEP;

export function planFor(kind: RunKind, options: { validate?: boolean } = {}): StepName[] {
  const provision: StepName[] = [...PROVISION_STEPS];
  if (options.validate) provision.splice(provision.indexOf('verify') + 1, 0, VALIDATE_STEP);
  switch (kind) {
    case 'provision':
      return provision;
    case 'deprovision':
      return [...DEPROVISION_STEPS];
    case 'reprovision':
      return [...DEPROVISION_STEPS, ...provision];
  }
}
