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
  'bootstrap-site',
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
/** A provision step run for a rebuild's successor (core/successor.ts), before the old runner is retired. */
export type SuccessorStep = `successor:${Exclude<ProvisionStep, 'announce'>}`;
export type StepName = ProvisionStep | DeprovisionStep | SuccessorStep | 'adopt-successor';

export const SUCCESSOR_STEPS = PROVISION_STEPS.filter((s) => s !== 'announce').map(
  (s) => `successor:${s}` as SuccessorStep,
);

/**
 * Replace-then-retire: build and verify the successor, then pause, drain and remove the old
 * runner and VM, then hand the name to the successor and announce it.
 */
export const REPLACE_STEPS: readonly StepName[] = [
  ...SUCCESSOR_STEPS,
  ...DEPROVISION_STEPS,
  'adopt-successor',
  'announce',
];

export interface PlanOptions {
  /** A rebuild that removes the old runner first (clusters without room for both at once). */
  inPlace?: boolean;
}

export function planFor(kind: RunKind, options: PlanOptions = {}): StepName[] {
  switch (kind) {
    case 'provision':
      return [...PROVISION_STEPS];
    case 'deprovision':
      return [...DEPROVISION_STEPS];
    case 'reprovision':
      return options.inPlace ? [...DEPROVISION_STEPS, ...PROVISION_STEPS] : [...REPLACE_STEPS];
  }
}

/** Whether a plan replaces then retires (its first steps build a successor). */
export const replacesFirst = (plan: readonly StepName[]): boolean => plan.includes('adopt-successor');

/** Where a replace-then-retire plan starts changing the old runner: past this, the successor is kept. */
export const retireStart = (plan: readonly StepName[]): number => plan.indexOf('pause-runner');
