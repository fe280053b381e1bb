// Runs one run's plan from its checkpoint through the step loop, saving each step in the run
// store under the runner's lock and reporting progress. Safe to call again for the same run after
// any crash: every step is idempotent and the checkpoint is saved after each one.
import { RunnerbotError, asRunnerbotError, isRunnerbotError, permanent, transient } from '../core/errors.ts';
import type { AuditLog, Clock, Notifier, RunStore, RunnerLock } from '../core/ports.ts';
import type { StepName } from '../core/plan.ts';
import type { RunRecord } from '../core/run.ts';
import type { JobMemory, StepDeps, StepRegistry } from './steps/step.ts';
import { runPlan, type PlanHooks } from './steps/run-plan.ts';
import { closeFailedRun } from './close-failed-run.ts';

export type { StepRegistry };

export interface RunJobDeps {
  runs: RunStore;
  steps: StepRegistry;
  stepDeps: StepDeps;
  notifier: Notifier;
  audit: AuditLog;
  clock: Clock;
}

export interface RunJobInput {
  runId: string;
  lock: RunnerLock;
  /** Aborted on graceful shutdown: the current step finishes, the run resumes elsewhere. */
  signal: AbortSignal;
  /** No retry follows this attempt: a transient failure now fails the run. */
  finalAttempt: boolean;
}

/**
 * Resolves with the finished run. Throws a transient RunnerbotError when the job should be tried
 * again (the run stays `running` at its checkpoint), or a permanent one after marking it failed.
 */
export async function runJob(deps: RunJobDeps, input: RunJobInput): Promise<RunRecord> {
  let run = await deps.runs.get(input.runId);
  if (!run) throw permanent('RUN.NOT_FOUND', `run ${input.runId} does not exist`);
  if (run.status !== 'queued' && run.status !== 'running') return run;

  if (run.status === 'queued' || run.startedAt === undefined) {
    run = await deps.runs.update(run.id, { status: 'running', startedAt: deps.clock.now() });
    await deps.notifier.notify({ type: 'run-started', run });
  }

  const memory: JobMemory = {};
  try {
    const outcome = await runPlan(
      { run, steps: deps.steps, deps: deps.stepDeps, memory, signal: input.signal },
      jobHooks(deps, input),
    );
    if (!outcome.ok)
      return await handleFailure(deps, input, outcome.run, outcome.step, memory, classify(outcome.error, input.signal));
    run = outcome.run;
  } finally {
    await memory.session?.close().catch(() => undefined);
  }

  run = await deps.runs.finish(run.id, 'succeeded', { finishedAt: deps.clock.now() });
  await deps.audit.append({
    type: 'job-end',
    runId: run.id,
    runner: run.runner,
    detail: { kind: run.kind, outcome: 'succeeded' },
  });
  await deps.notifier.notify({ type: 'run-finished', run });
  return run;
}

/** Saves in the run store under the runner's lock; stops at a shutdown; reports each step. */
function jobHooks(deps: RunJobDeps, input: RunJobInput): PlanHooks {
  return {
    save: (run, patch) => deps.runs.update(run.id, patch),
    fence: () => input.lock.assert(),
    async beforeStep(run, step) {
      if (input.signal.aborted) throw shuttingDown();
      await deps.notifier.notify({ type: 'step-started', run, step });
    },
    note: (run, step, text) => deps.notifier.notify({ type: 'step-note', run, step, text }),
    async afterStep(run, step, applied, durationMs, warnings) {
      const warned = warnings.length ? { warnings: warnings.map((w) => w.replace(/\s*\n\s*/g, ' ')).join(' | ') } : {};
      await deps.audit.append({
        type: 'step',
        runId: run.id,
        runner: run.runner,
        detail: { step, applied, durationMs, ...auditOutputs(run), ...warned },
      });
      await deps.notifier.notify({
        type: 'step-finished',
        run,
        step,
        applied,
        durationMs,
        ...(warnings.length ? { warnings } : {}),
      });
    },
  };
}

async function handleFailure(
  deps: RunJobDeps,
  input: RunJobInput,
  run: RunRecord,
  step: StepName,
  memory: JobMemory,
  error: RunnerbotError,
): Promise<never> {
  // Another worker took the runner's lock and owns the run now: this one reports nothing and
  // changes nothing (its stale view must never fail, or clean up after, a run it no longer holds).
  if (error.code === 'LOCK.LOST') throw error;
  // A shutdown is no failure: the worker hands the job back without spending an attempt.
  const willRetry = error.transient && (!input.finalAttempt || input.signal.aborted);
  const shown = { code: error.code, message: error.message };
  await deps.notifier.notify({ type: 'step-failed', run, step, error: shown, willRetry });
  if (willRetry) {
    await deps.runs.update(run.id, { error: { ...shown, step } });
    throw error;
  }

  await closeFailedRun(deps, run, shown, memory, input.signal);
  throw new RunnerbotError(error.code, error.message, { transient: false, cause: error });
}

/** A wait cut short by a shutdown is no failure of the step; anything else is as the adapters said. */
function classify(error: unknown, signal: AbortSignal): RunnerbotError {
  if (signal.aborted && !isRunnerbotError(error)) return shuttingDown(error);
  return asRunnerbotError(error);
}

const shuttingDown = (cause?: unknown) =>
  transient('STEP.TRANSIENT', 'worker is shutting down; the run resumes on another worker', cause);

/** The identifiers worth keeping in the audit trail (never a secret). */
function auditOutputs(run: RunRecord): Record<string, string | number | undefined> {
  const { vmid, node, cloneUpid, runnerId, ip } = run.outputs;
  return { vmid, node, upid: cloneUpid, runnerId, ip };
}
