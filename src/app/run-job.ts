// Runs one run's plan from its checkpoint: for each step, check then apply, save what it learned,
// report progress. Safe to call again for the same run after any crash: every step is idempotent
// and the checkpoint is saved after each one.
import { RunnerbotError, permanent, transient } from '../core/errors.ts';
import type { AuditLog, Clock, Notifier, RunStore, RunnerLock } from '../core/ports.ts';
import type { RunRecord } from '../core/run.ts';
import type { JobMemory, StepContext, StepDeps, StepRegistry } from './steps/step.ts';
import { cleanUpAfterFailure } from './clean-up.ts';

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
    while (run.checkpoint < run.plan.length) {
      if (input.signal.aborted) throw transient('STEP.TRANSIENT', 'worker is shutting down; the run resumes on another worker');
      run = await runStep(deps, input, run, memory);
    }
  } catch (error) {
    return await handleFailure(deps, input, run, memory, asRunnerbotError(error));
  } finally {
    await memory.session?.close().catch(() => undefined);
  }

  run = await deps.runs.finish(run.id, 'succeeded', { finishedAt: deps.clock.now() });
  await deps.audit.append({ type: 'job-end', runId: run.id, runner: run.runner, detail: { kind: run.kind, outcome: 'succeeded' } });
  await deps.notifier.notify({ type: 'run-finished', run });
  return run;
}

async function runStep(deps: RunJobDeps, input: RunJobInput, run: RunRecord, memory: JobMemory): Promise<RunRecord> {
  const name = run.plan[run.checkpoint]!;
  const step = deps.steps[name];
  const warnings: string[] = [];
  const ctx: StepContext = {
    run,
    deps: deps.stepDeps,
    memory,
    signal: input.signal,
    save: async (outputs) => {
      await input.lock.assert();
      ctx.run = await deps.runs.update(run.id, { outputs });
    },
    warn: (lines) => void warnings.push(...lines),
  };
  const started = deps.clock.now();

  await input.lock.assert();
  await deps.notifier.notify({ type: 'step-started', run, step: name });
  const check = await step.check(ctx);
  const outputs = check.done ? (check.outputs ?? {}) : ((await step.apply(ctx)) ?? {});
  const applied = !check.done;

  const saved = await deps.runs.update(run.id, { checkpoint: run.checkpoint + 1, outputs });
  const durationMs = deps.clock.now() - started;
  await deps.audit.append({
    type: 'step',
    runId: run.id,
    runner: run.runner,
    detail: { step: name, applied, durationMs, ...auditOutputs(saved), ...(warnings.length ? { warnings: warnings.map((w) => w.replace(/\s*\n\s*/g, ' ')).join(' | ') } : {}) },
  });
  await deps.notifier.notify({ type: 'step-finished', run: saved, step: name, applied, durationMs, ...(warnings.length ? { warnings } : {}) });
  return saved;
}

async function handleFailure(
  deps: RunJobDeps,
  input: RunJobInput,
  run: RunRecord,
  memory: JobMemory,
  error: RunnerbotError,
): Promise<never> {
  // Another worker took the runner's lock and owns the run now: this one reports nothing and
  // changes nothing (its stale view must never fail, or clean up after, a run it no longer holds).
  if (error.code === 'LOCK.LOST') throw error;
  const step = run.plan[run.checkpoint];
  // A shutdown is no failure: the worker hands the job back without spending an attempt.
  const willRetry = error.transient && (!input.finalAttempt || input.signal.aborted);
  const shown = { code: error.code, message: error.message };
  if (step) await deps.notifier.notify({ type: 'step-failed', run, step, error: shown, willRetry });
  if (willRetry) {
    await deps.runs.update(run.id, { error: { ...shown, ...(step ? { step } : {}) } });
    throw error;
  }

  const cleaned = await cleanUpAfterFailure(deps, run, memory, input.signal);
  const failed = await deps.runs.finish(run.id, 'failed', {
    error: { ...shown, ...(step ? { step } : {}) },
    finishedAt: deps.clock.now(),
    ...(cleaned ? { outputs: cleaned.outputs } : {}),
  });
  await deps.audit.append({
    type: 'job-end',
    runId: run.id,
    runner: run.runner,
    detail: { kind: run.kind, outcome: 'failed', step, code: error.code },
  });
  await deps.notifier.notify({ type: 'run-finished', run: failed });
  throw new RunnerbotError(error.code, error.message, { transient: false, cause: error });
}

function asRunnerbotError(error: unknown): RunnerbotError {
  if (error instanceof RunnerbotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return transient('STEP.TRANSIENT', message, error);
}

/** The identifiers worth keeping in the audit trail (never a secret). */
function auditOutputs(run: RunRecord): Record<string, string | number | undefined> {
  const { vmid, node, cloneUpid, runnerId, ip } = run.outputs;
  return { vmid, node, upid: cloneUpid, runnerId, ip };
}
