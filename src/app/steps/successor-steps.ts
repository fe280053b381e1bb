// A rebuild's successor is provisioned by the ordinary provision steps, each run against a view of
// the run in which the runner is NAME.next and the outputs are the successor's own
// (`outputs.successor`). Whatever a step learns or saves lands there, so the old runner's outputs
// stay as they were until the successor takes the name (adopt-successor).
import { SUCCESSOR_STEPS, type SuccessorStep } from '../../core/plan.ts';
import type { RunOutputs, RunRecord } from '../../core/run.ts';
import { successorName } from '../../core/successor.ts';
import type { Step, StepContext } from './step.ts';

/** The run as the successor's steps see it. */
export function successorView(run: RunRecord): RunRecord {
  return { ...run, runner: successorName(run.runner), outputs: run.outputs.successor ?? {} };
}

/** A patch of the run's outputs that merges `outputs` into the successor's. */
const intoSuccessor = (run: RunRecord, outputs: Partial<RunOutputs>): Partial<RunOutputs> => ({
  successor: { ...(run.outputs.successor ?? {}), ...outputs },
});

function viewOf(ctx: StepContext): StepContext {
  const { save } = ctx;
  const view: StepContext = {
    ...ctx,
    run: successorView(ctx.run),
    ...(save
      ? {
          save: async (outputs) => {
            await save(intoSuccessor(ctx.run, outputs));
            view.run = successorView(ctx.run);
          },
        }
      : {}),
  };
  return view;
}

function asSuccessor(step: Step, name: SuccessorStep): Step {
  return {
    name,
    async check(ctx) {
      const check = await step.check(viewOf(ctx));
      return check.done ? { done: true, outputs: intoSuccessor(ctx.run, check.outputs ?? {}) } : check;
    },
    async apply(ctx) {
      return intoSuccessor(ctx.run, (await step.apply(viewOf(ctx))) ?? {});
    },
  };
}

/** The successor's steps, by name, built from the provision steps of `steps`. */
export function successorSteps(steps: Readonly<Record<string, Step>>): Record<SuccessorStep, Step> {
  const entries = SUCCESSOR_STEPS.map((name) => [name, asSuccessor(steps[name.slice('successor:'.length)]!, name)]);
  return Object.fromEntries(entries) as Record<SuccessorStep, Step>;
}
