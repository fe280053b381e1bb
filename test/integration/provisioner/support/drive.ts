// Runs provisions in-process the way a worker does: requestJob records the run, then runJob under
// the runner's lock, retried with runnerbot's backoff by runInProcess (as `runnerbot provision`
// does). `dieAfter` stops a worker right after a step is saved, and can let it come back.
import { requestJob } from '../../../../src/app/request-job.ts';
import { runJob } from '../../../../src/app/run-job.ts';
import { runInProcess } from '../../../../src/app/run-in-process.ts';
import { STEPS } from '../../../../src/app/steps/index.ts';
import type { StepDeps } from '../../../../src/app/steps/step.ts';
import { toRequestPolicy } from '../../../../src/composition/request-policy.ts';
import { parseCommandArgv } from '../../../../src/core/command.ts';
import type { RunnerbotError } from '../../../../src/core/errors.ts';
import type { StepName } from '../../../../src/core/plan.ts';
import type { Notifier, ProgressEvent, RemoteSession, RemoteShell } from '../../../../src/core/ports.ts';
import type { RunRecord } from '../../../../src/core/run.ts';
import { retryDelay } from '../../../../src/jobs/backoff.ts';
import { acquireRunnerLock } from '../../../../src/jobs/runner-lock.ts';
import { redisKeys } from '../../../../src/jobs/redis-keys.ts';
import { systemClock, systemIds } from '../../../../src/system.ts';
import type { ChangeCommand } from '../../../../src/app/resolve-request.ts';
import type { World } from './world.ts';

const LOCK_TTL_MS = 30_000;
const quiet: Notifier = { notify: async () => undefined };

/** `runnerbot provision NAME` up to the queue: the recorded run, waiting for a worker. */
export const requestProvision = (world: World, name: string): Promise<RunRecord> =>
  requestCommand(world, ['provision', name]);

/** `runnerbot reprovision NAME ...` up to the queue (approved: the terminal asks no second person). */
export async function requestRebuild(world: World, name: string, ...options: string[]): Promise<RunRecord> {
  const run = await requestCommand(world, ['reprovision', name, ...options]);
  return run.status === 'awaiting_approval' ? world.stores.runs.update(run.id, { status: 'queued' }) : run;
}

/** `runnerbot ARGV` (a change command) up to the queue: the recorded run, waiting for a worker. */
export async function requestCommand(world: World, argv: string[]): Promise<RunRecord> {
  const { config } = world.loaded;
  const parsed = parseCommandArgv(argv, { namePattern: config.runners.namePattern });
  if (!parsed.ok) throw new Error(parsed.error.message);
  const deps = {
    ...world.stores,
    queue: { enqueueRun: async () => undefined },
    notifier: quiet,
    directory: { groupsOf: async () => [] },
    clock: systemClock,
    ids: systemIds,
    policy: toRequestPolicy(config),
  };
  const requested = await requestJob(deps, {
    command: parsed.value as ChangeCommand,
    requester: { userId: 'cli:resilience', via: 'cli' },
  });
  if (!requested.ok) throw new Error(`${requested.error.code}: ${requested.error.message}`);
  return requested.value.run;
}

export interface Outcome {
  run: RunRecord;
  /** runJob calls made (1 = no retry). */
  attempts: number;
  /** What the last attempt threw (a failed run), if anything. */
  error?: RunnerbotError;
  /** Every transient error an attempt ended with, in order. */
  retried: string[];
  events: ProgressEvent[];
}

export interface DriveOptions {
  stepDeps?: StepDeps;
  /** Sees every progress event as the worker reports it. */
  onEvent?: (event: ProgressEvent) => Promise<void>;
}

/** One worker taking the job: attempts with backoff until it succeeds or fails for good. */
export async function runToEnd(world: World, run: RunRecord, options: DriveOptions = {}): Promise<Outcome> {
  const { worker } = world.loaded.config;
  const events: ProgressEvent[] = [];
  const retried: string[] = [];
  const lock = await acquireRunnerLock(world.redis, world.prefix, run.runner, LOCK_TTL_MS);
  if (!lock) throw new Error(`the lock on ${run.runner} is held`);
  const deps = {
    runs: world.stores.runs,
    steps: STEPS,
    stepDeps: options.stepDeps ?? world.stepDeps,
    notifier: recorder(events, options.onEvent),
    audit: world.stores.audit,
    clock: systemClock,
  };
  try {
    const retry = {
      attempts: worker.attempts,
      delayMs: (attempt: number) => retryDelay(attempt, { baseMs: worker.backoffMs, maxMs: worker.maxBackoffMs }),
    };
    const onRetry = (error: RunnerbotError) => void retried.push(`${error.code}: ${error.message}`);
    const outcome = await runInProcess(
      deps,
      { runId: run.id, lock, signal: new AbortController().signal, onRetry },
      retry,
    );
    if (outcome.kind === 'finished') return { run: outcome.run, attempts: outcome.attempts, retried, events };
    if (outcome.kind === 'interrupted') throw new Error('runToEnd is never interrupted');
    return {
      run: (await world.stores.runs.get(run.id))!,
      attempts: outcome.attempts,
      error: outcome.error,
      retried,
      events,
    };
  } finally {
    await lock.release();
  }
}

const recorder = (events: ProgressEvent[], onEvent?: (e: ProgressEvent) => Promise<void>): Notifier => ({
  async notify(event) {
    events.push(event);
    await onEvent?.(event);
  },
});

export interface DeadWorker {
  /** The run as the next worker finds it. */
  left: RunRecord;
  /** Lets the dead worker go on, as a stalled process that comes back would; resolves with how its runJob ended. */
  wake(): Promise<RunRecord | RunnerbotError>;
}

/**
 * A worker that dies right after `step` is saved: it runs no further line (its runJob hangs in
 * the step-finished report), its SSH connections drop and its lock expires in Redis.
 */
export async function dieAfter(
  world: World,
  run: RunRecord,
  step: StepName,
  options: { finalAttempt?: boolean } = {},
): Promise<DeadWorker> {
  const lock = await acquireRunnerLock(world.redis, world.prefix, run.runner, LOCK_TTL_MS);
  if (!lock) throw new Error(`the lock on ${run.runner} is held`);
  const connections = trackedShell(world.stepDeps.remote);
  let died!: () => void;
  let revive!: () => void;
  const death = new Promise<void>((resolve) => (died = resolve));
  const revival = new Promise<void>((resolve) => (revive = resolve));
  const notifier = recorder([], async (event) => {
    if (event.type !== 'step-finished' || event.step !== step) return;
    died();
    await revival;
  });
  const deps = {
    runs: world.stores.runs,
    steps: STEPS,
    stepDeps: { ...world.stepDeps, remote: connections.shell },
    notifier,
    audit: world.stores.audit,
    clock: systemClock,
  };
  const ended = runJob(deps, {
    runId: run.id,
    lock,
    signal: new AbortController().signal,
    finalAttempt: options.finalAttempt ?? false,
  }).then(
    (r) => r,
    (e: unknown) => e as RunnerbotError,
  );
  const early = await Promise.race([death.then(() => null), ended]);
  if (early)
    throw new Error(`the run ended before ${step} was saved: ${'status' in early ? early.status : early.message}`);
  await connections.dropAll();
  await world.redis.del(redisKeys(world.prefix).runnerLock(run.runner));
  return {
    left: (await world.stores.runs.get(run.id))!,
    wake: async () => (revive(), ended),
  };
}

/** A RemoteShell whose sessions can all be cut at once, as the death of the process would. */
function trackedShell(remote: RemoteShell): { shell: RemoteShell; dropAll(): Promise<void> } {
  const open = new Set<RemoteSession>();
  return {
    shell: {
      ...remote,
      async connect(host, timeoutMs, signal) {
        const session = await remote.connect(host, timeoutMs, signal);
        open.add(session);
        return session;
      },
    },
    async dropAll() {
      await Promise.allSettled([...open].map((s) => s.close()));
    },
  };
}
