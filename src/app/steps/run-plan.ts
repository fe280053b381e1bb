// The one step loop. From the run's checkpoint to the end of its plan, each step is checked,
// applied unless already done, and its outputs saved with the next checkpoint before the next
// step starts. A job (run-job), the clean-up after a failed provision and the step tests all run
// steps through here; they differ only in where the run is saved and who hears about progress.
import type { StepName } from '../../core/plan.ts';
import type { RunOutputs, RunRecord } from '../../core/run.ts';
import type { JobMemory, Step, StepContext, StepDeps } from './step.ts';

export interface RunPatch {
  checkpoint?: number;
  outputs?: Partial<RunOutputs>;
}

export interface PlanHooks {
  /** Saves a change to the run (a step's outputs, the next checkpoint) and returns the run as saved. */
  save(run: RunRecord, patch: RunPatch, step: Step): Promise<RunRecord>;
  /** Fencing: throws when this process may no longer change the run. Called before each step and each save. */
  fence?(): Promise<void>;
  /** Called before a step starts; throwing stops the plan there (e.g. on shutdown). */
  beforeStep?(run: RunRecord, step: StepName): Promise<void>;
  /** `warnings`: what a vendor warned about while the step succeeded (a Proxmox task's `WARN:` lines). */
  afterStep?(run: RunRecord, step: StepName, applied: boolean, durationMs: number, warnings: string[]): Promise<void>;
  /** What a long step is waiting for, as it changes. */
  note?(run: RunRecord, step: StepName, text: string): Promise<void>;
}

export interface PlanInput {
  run: RunRecord;
  steps: Readonly<Partial<Record<StepName, Step>>>;
  deps: StepDeps;
  memory: JobMemory;
  signal: AbortSignal;
}

/** On failure, `run` is the run as saved before the failing step began. */
export type PlanOutcome = { ok: true; run: RunRecord } | { ok: false; run: RunRecord; step: StepName; error: unknown };

export async function runPlan(input: PlanInput, hooks: PlanHooks): Promise<PlanOutcome> {
  let run = input.run;
  while (run.checkpoint < run.plan.length) {
    const name = run.plan[run.checkpoint]!;
    try {
      run = await runStep(input, hooks, run, name);
    } catch (error) {
      return { ok: false, run, step: name, error };
    }
  }
  return { ok: true, run };
}

async function runStep(input: PlanInput, hooks: PlanHooks, run: RunRecord, name: StepName): Promise<RunRecord> {
  const step = input.steps[name];
  if (!step) throw new Error(`no step is named ${name}`);
  const { clock } = input.deps;
  const warnings: string[] = [];
  const ctx: StepContext = {
    run,
    deps: input.deps,
    memory: input.memory,
    signal: input.signal,
    save: async (outputs) => {
      await hooks.fence?.();
      ctx.run = await hooks.save(ctx.run, { outputs }, step);
    },
    warn: (lines) => void warnings.push(...lines),
    note: async (text) => hooks.note?.(ctx.run, name, text),
  };

  const started = clock.now();
  await hooks.fence?.();
  await hooks.beforeStep?.(run, name);
  const check = await step.check(ctx);
  const outputs = check.done ? (check.outputs ?? {}) : ((await step.apply(ctx)) ?? {});
  const saved = await hooks.save(ctx.run, { checkpoint: run.checkpoint + 1, outputs }, step);
  await hooks.afterStep?.(saved, name, !check.done, clock.now() - started, warnings);
  return saved;
}

/** Saves in memory: outputs merge key by key; one set to `undefined` stays so, to be removed when stored. */
export function saveInMemory(run: RunRecord, patch: RunPatch): RunRecord {
  const checkpoint = patch.checkpoint ?? run.checkpoint;
  return { ...run, checkpoint, outputs: { ...run.outputs, ...patch.outputs } };
}
