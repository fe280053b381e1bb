// The contract of one step of a plan. `check` asks whether the step's effect already exists
// (a retried or resumed run must not repeat it); `apply` makes it so. Both return what they
// learned, which the step loop (run-plan.ts) saves in the run record before the next step starts.
import type {
  Clock,
  Coordination,
  Fleet,
  Hypervisor,
  RemoteSession,
  RemoteShell,
  RunnerRegistry,
  RunStore,
  ValidationProject,
} from '../../core/ports.ts';
import type { RunOutputs, RunRecord } from '../../core/run.ts';
import type { StepName } from '../../core/plan.ts';
import type { ProvisionSettings } from '../../core/settings.ts';

export interface StepDeps {
  hypervisor: Hypervisor;
  registry: RunnerRegistry;
  remote: RemoteShell;
  coordination: Coordination;
  fleet: Fleet;
  /** A runner's active run, so `rotate-token --all` leaves alone a runner another run is changing. */
  runs?: Pick<RunStore, 'activeFor'>;
  clock: Clock;
  settings: ProvisionSettings;
  /** The validation project, when `settings.validation` is set. */
  validationProject?: ValidationProject;
  /** The text of src/provisioner/remote/bootstrap.sh, read once at start-up. */
  bootstrapScript: string;
  /** provision.siteHook: its file name (for messages) and text, read once at start-up. */
  siteHook?: { name: string; script: string };
}

/** Lives for one attempt of one job, in memory only: never saved, never logged. */
export interface JobMemory {
  session?: RemoteSession;
  /** The `glrt-` token between create-runner and write-config. */
  runnerToken?: string;
  /** When that token was obtained (ms) and when it expires (ISO 8601, null for never), for config.toml. */
  runnerTokenTimes?: { obtainedAt: number; expiresAt: string | null };
}

export interface StepContext {
  /** The run as saved after the previous step (outputs included). */
  run: RunRecord;
  deps: StepDeps;
  memory: JobMemory;
  signal: AbortSignal;
  /** Saves outputs at once, before the step ends (e.g. a clone's UPID); absent when a test calls a step directly. */
  save?(outputs: Partial<RunOutputs>): Promise<void>;
  /** Records warnings a vendor gave while the step succeeded (a Proxmox task's `WARN:` lines). */
  warn?(lines: string[]): void;
  /** Tells the thread what a long step is waiting for (e.g. the jobs a draining runner still runs). */
  note?(text: string): Promise<void>;
}

export type StepCheck = { done: true; outputs?: Partial<RunOutputs> } | { done: false };

export interface Step {
  name: StepName;
  /** The outputs that no longer describe anything once this step has run (what it undoes). */
  clears?: readonly (keyof RunOutputs)[];
  check(ctx: StepContext): Promise<StepCheck>;
  apply(ctx: StepContext): Promise<Partial<RunOutputs> | void>;
}

export type StepRegistry = Record<StepName, Step>;
