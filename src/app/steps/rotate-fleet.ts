// `rotate-token --all`: every runner of the fleet, one at a time, through the same steps as a
// single rotation (run in memory, like the clean-up of a failed provision). What happened to each
// runner is saved as it ends, so a resumed run skips the runners already done; the one it was in
// the middle of starts again from its reset (safe: see rotation-steps.ts). A runner that fails is
// recorded with its error and the next one goes on; one that another run is changing is skipped;
// the summary names all three.
import { ROTATE_TOKEN_STEPS } from '../../core/plan.ts';
import { asRunnerbotError } from '../../core/errors.ts';
import type { FleetEntry } from '../../core/ports.ts';
import type { RunRecord } from '../../core/run.ts';
import { ROTATED } from '../../core/token-rotation.ts';
import { verify } from './remote-steps.ts';
import { installToken, recordToken, resetToken } from './rotation-steps.ts';
import { runPlan, saveInMemory } from './run-plan.ts';
import type { JobMemory, Step, StepContext } from './step.ts';

const ROTATION = { 'reset-token': resetToken, 'install-token': installToken, verify, 'record-token': recordToken };

async function pending(ctx: StepContext): Promise<FleetEntry[]> {
  const done = ctx.run.outputs.rotations ?? {};
  return (await ctx.deps.fleet.list()).filter((e) => !Object.hasOwn(done, e.name));
}

/** One runner's rotation: `rotated`, or the step and error it failed with. */
async function rotateOne(ctx: StepContext, entry: FleetEntry): Promise<string> {
  const run: RunRecord = {
    ...ctx.run,
    runner: entry.name,
    plan: [...ROTATE_TOKEN_STEPS],
    checkpoint: 0,
    outputs: { vmid: entry.vmid, node: entry.node, ip: entry.ip, runnerId: entry.runnerId },
  };
  const memory: JobMemory = {};
  try {
    const outcome = await runPlan(
      { run, steps: ROTATION, deps: ctx.deps, memory, signal: ctx.signal },
      { save: async (current, patch) => saveInMemory(current, patch) },
    );
    if (outcome.ok) return ROTATED;
    if (ctx.signal.aborted) throw outcome.error;
    const error = asRunnerbotError(outcome.error);
    return `failed at ${outcome.step}: ${error.code}: ${error.message}`;
  } finally {
    await memory.session?.close().catch(() => undefined);
  }
}

export const rotateFleet: Step = {
  name: 'rotate-fleet',
  async check(ctx) {
    return (await pending(ctx)).length === 0 ? { done: true } : { done: false };
  },
  async apply(ctx) {
    const rotations = { ...ctx.run.outputs.rotations };
    for (const entry of await pending(ctx)) {
      const active = await ctx.deps.runs?.activeFor(entry.name);
      rotations[entry.name] = active
        ? `skipped: its ${active.kind} (run ${active.id}) was in progress`
        : await rotateOne(ctx, entry);
      await ctx.save?.({ rotations: { ...rotations } });
    }
    return { rotations };
  },
};
