// The ordered steps of each kind of run. Every step is idempotent: it checks whether its work is
// already done before it applies anything, so a retried or resumed run repeats nothing.

export type RunKind = 'provision' | 'deprovision' | 'reprovision' | 'rotate-token';

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

/**
 * A token rotation: a new token from GitLab, the VM's config.toml with it, a working runner, the
 * token's times in the fleet's record. A run resumed after the reset (its token only ever lived in
 * the crashed process' memory) resets again in install-token; see rotation-steps.ts.
 */
export const ROTATE_TOKEN_STEPS = ['reset-token', 'install-token', 'verify', 'record-token'] as const;

/** `rotate-token --all`: one step that rotates every runner of the fleet in turn. */
export const ROTATE_FLEET_STEPS = ['rotate-fleet'] as const;

/** The runner name of a fleet-wide rotation: not a valid runner name, so it never names a runner. */
export const ALL_RUNNERS = 'all runners';

/** What a failed provision runs to remove what it made (with `onFailure: destroy`). */
export const CLEAN_UP_STEPS = ['delete-runner', 'stop-vm', 'delete-vm'] as const satisfies readonly DeprovisionStep[];

export type ProvisionStep = (typeof PROVISION_STEPS)[number];
export type DeprovisionStep = (typeof DEPROVISION_STEPS)[number];
/** Runs the validation pipeline on the new runner, after `verify`; only when validation is configured. */
export const VALIDATE_STEP = 'validate';
/** A step that builds a runner: what a rebuild's successor runs (core/successor.ts) before the old runner is retired. */
type BuildStep = Exclude<ProvisionStep, 'announce'> | typeof VALIDATE_STEP;
export type SuccessorStep = `successor:${BuildStep}`;
export type RotationStep = (typeof ROTATE_TOKEN_STEPS)[number] | (typeof ROTATE_FLEET_STEPS)[number];
export type StepName =
  ProvisionStep | DeprovisionStep | typeof VALIDATE_STEP | SuccessorStep | 'adopt-successor' | RotationStep;

const asSuccessor = (step: BuildStep): SuccessorStep => `successor:${step}`;

export interface PlanOptions {
  /** A rebuild that removes the old runner first (clusters without room for both at once). */
  inPlace?: boolean;
  /** Tells a fleet-wide rotation (ALL_RUNNERS) from one runner's. */
  runner?: string;
  /** Validation is configured: a new runner runs the validation pipeline after `verify`. */
  validate?: boolean;
  /** A site hook is configured: a new runner runs it after the monitoring phase. */
  siteHook?: boolean;
}

/** The steps that build a runner, with the site hook and validation when they are configured. */
function buildSteps({ validate = false, siteHook = false }: PlanOptions): BuildStep[] {
  const steps = PROVISION_STEPS.filter(
    (s): s is Exclude<ProvisionStep, 'announce'> => s !== 'announce' && (siteHook || s !== 'bootstrap-site'),
  ) as BuildStep[];
  if (validate) steps.splice(steps.indexOf('verify') + 1, 0, VALIDATE_STEP);
  return steps;
}

/** Every successor step there can be, whatever the configuration. */
export const SUCCESSOR_STEPS: SuccessorStep[] = buildSteps({ validate: true, siteHook: true }).map(asSuccessor);

export function planFor(kind: RunKind, options: PlanOptions = {}): StepName[] {
  const build = buildSteps(options);
  switch (kind) {
    case 'provision':
      return [...build, 'announce'];
    case 'deprovision':
      return [...DEPROVISION_STEPS];
    case 'reprovision':
      return options.inPlace
        ? [...DEPROVISION_STEPS, ...build, 'announce']
        : [...build.map(asSuccessor), ...DEPROVISION_STEPS, 'adopt-successor', 'announce'];
    case 'rotate-token':
      return options.runner === ALL_RUNNERS ? [...ROTATE_FLEET_STEPS] : [...ROTATE_TOKEN_STEPS];
  }
}

/** Whether a plan replaces then retires (its first steps build a successor). */
export const replacesFirst = (plan: readonly StepName[]): boolean => plan.includes('adopt-successor');

/** Where a replace-then-retire plan starts changing the old runner: past this, the successor is kept. */
export const retireStart = (plan: readonly StepName[]): number => plan.indexOf('pause-runner');

/** Whether a plan runs the validation pipeline (for the runner itself or a rebuild's successor). */
export const validates = (plan: readonly StepName[]): boolean =>
  plan.includes(VALIDATE_STEP) || plan.includes(asSuccessor(VALIDATE_STEP));
