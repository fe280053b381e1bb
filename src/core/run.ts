// The run record: the one durable description of a requested change. Only its id crosses a
// process or Slack boundary; everything else is read back from the RunStore.
import type { RunnerSpec } from './spec.ts';
import type { RunKind, StepName } from './plan.ts';
import type { ValidationOutcome } from './validation.ts';

export type { RunKind };

export type RunStatus = 'awaiting_approval' | 'queued' | 'running' | 'succeeded' | 'failed' | 'denied' | 'expired';

export const FINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'denied', 'expired'];

/**
 * Who asked: a Slack user id (U…), `cli:<unix user>` for the terminal, `pool:<profile>` for a pool's
 * reconciler, `schedule:token-rotation` for the rotation schedule.
 */
export interface Requester {
  userId: string;
  via: 'slack' | 'cli' | 'alert' | 'pool' | 'schedule';
}

/** What each step learned; saved before the next step starts. Never holds a secret. */
export interface RunOutputs {
  node?: string;
  vmid?: number;
  cloneUpid?: string;
  ip?: string;
  runnerId?: number;
  /** When GitLab last heard from the runner, as seen when a rebuild or removal was asked for. */
  lastContact?: string;
  /** The VM and runner that a reprovision's deprovision half removed. */
  previous?: { vmid?: number; node?: string; runnerId?: number; ip?: string };
  phases?: Record<string, string>;
  /** What a deprovision (or a failed provision's clean-up) removed: every VM and runner of that name. */
  removedVmids?: number[];
  removedRunnerIds?: number[];
  /** The runner token's times (never the token): when it was obtained (ms) and when it expires (ISO 8601, null for never). */
  tokenObtainedAt?: number;
  tokenExpiresAt?: string | null;
  /** What `rotate-token --all` did to each runner so far: `rotated`, or why it was not. */
  rotations?: Record<string, string>;
  /** The validation pipeline: saved when it starts, so a resumed run waits on the same one. */
  validation?: ValidationOutcome;
  /** Set while a GitLab runner create may still be completing (its answer never arrived). */
  runnerCreateStartedAt?: number;
  /** A replace-then-retire rebuild's successor (NAME.next) until it takes the name: its own outputs. */
  successor?: RunOutputs;
  [key: string]: unknown;
}

export interface RunRecord {
  id: string;
  kind: RunKind;
  runner: string;
  spec: RunnerSpec;
  plan: StepName[];
  requester: Requester;
  reason?: string;
  /** Where progress goes; which Slack messages show it is the notifier's business. */
  channel?: string;
  status: RunStatus;
  /** Index into `plan` of the next step to run. */
  checkpoint: number;
  outputs: RunOutputs;
  error?: { code: string; message: string; step?: StepName };
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
}
