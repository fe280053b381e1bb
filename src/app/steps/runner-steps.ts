// The GitLab runner's steps. Provision: `create-runner` (description = runner name, locked, no
// untagged jobs; the `glrt-` token lives only in job memory). Deprovision: `pause-runner` (then
// wait for its jobs to drain) and `delete-runner`, which removes every runner of that name. A
// runner is found by the id the run recorded, else by its description, so a crash between GitLab's
// answer and the checkpoint leaves no orphan. A create is reconcilable (vendor-behaviour 6): the
// run records that it sent one, and a retry looks for the runner that request may still make
// before it creates another; duplicates that appear anyway are removed.
import { hasCode } from '../../core/errors.ts';
import { validates } from '../../core/plan.ts';
import type { GitlabRunner, RunnerRegistry, RunningJob } from '../../core/ports.ts';
import { validationTag } from '../../core/validation.ts';
import type { Step, StepContext } from './step.ts';

/** Whether GitLab reports the runner online (it has contacted GitLab recently). */
export async function isRunnerOnline(registry: RunnerRegistry, runnerId: number): Promise<boolean> {
  return (await registry.getRunner(runnerId))?.online === true;
}

/**
 * The runner's token for writing config.toml: the one create-runner kept in memory, or, when this
 * attempt did not create the runner (a resumed run), a fresh one — which invalidates the old.
 */
export async function runnerToken(ctx: StepContext): Promise<string> {
  return ctx.memory.runnerToken ?? (await issueToken(ctx));
}

/** Has GitLab issue the runner a new token (the old one is refused from now on) and keeps it in job memory only. */
export async function issueToken(ctx: StepContext): Promise<string> {
  const id = ctx.run.outputs.runnerId;
  if (id === undefined) throw new Error('issueToken needs outputs.runnerId: create-runner must run first');
  const { token, tokenExpiresAt } = await ctx.deps.registry.resetToken(id);
  ctx.memory.runnerTokenTimes = { obtainedAt: ctx.deps.clock.now(), expiresAt: tokenExpiresAt };
  ctx.memory.runnerToken = token;
  return token;
}

/** The run's runner as GitLab has it: the recorded id if it still exists, else the newest with the run's name. */
async function findRunner({ run, deps }: StepContext): Promise<GitlabRunner | null> {
  const recorded = run.outputs.runnerId;
  if (recorded !== undefined) {
    const runner = await deps.registry.getRunner(recorded);
    if (runner) return runner;
  }
  const named = await deps.registry.findRunnersByDescription(run.runner);
  return named.sort((a, b) => b.id - a.id)[0] ?? null;
}

/** GitLab finishes or abandons any request within Puma's worker timeout (60 s by default). */
const CREATE_SETTLE_MS = 60_000;

/** The runner an earlier create of this run made after its answer was lost, once it shows up. */
async function earlierCreate(ctx: StepContext): Promise<GitlabRunner | null> {
  const started = ctx.run.outputs.runnerCreateStartedAt;
  if (started === undefined) return null;
  const { clock, settings } = ctx.deps;
  const settledAt = started + (settings.gitlab.createSettleMs ?? CREATE_SETTLE_MS);
  for (;;) {
    const found = await findRunner(ctx);
    const left = settledAt - clock.now();
    if (found || left <= 0) return found;
    await clock.sleep(Math.min(settings.pollMs, left), ctx.signal);
  }
}

/** Deletes the runners of the run's name other than `keep` (made by a create whose answer was lost). */
async function removeDuplicates({ run, deps }: StepContext, keep: number): Promise<void> {
  for (const runner of await deps.registry.findRunnersByDescription(run.runner)) {
    if (runner.id !== keep) await deps.registry.deleteRunner(runner.id);
  }
}

/** A runner that will be validated starts with its validation tag only, so no real job lands on it yet. */
function initialTags({ run, deps }: StepContext): string[] {
  const validation = deps.settings.validation;
  return validates(run.plan) && validation ? [validationTag(validation.tagPrefix, run.runner)] : run.spec.tags;
}

export const createRunner: Step = {
  name: 'create-runner',
  async check(ctx) {
    const runner = await findRunner(ctx);
    return runner
      ? { done: true, outputs: { runnerId: runner.id, runnerCreateStartedAt: undefined } }
      : { done: false };
  },
  async apply(ctx) {
    const { run, deps, memory } = ctx;
    const earlier = await earlierCreate(ctx);
    if (earlier) return { runnerId: earlier.id, runnerCreateStartedAt: undefined };
    await ctx.save?.({ runnerCreateStartedAt: deps.clock.now() });
    const { id, token, tokenExpiresAt } = await deps.registry.createRunner({
      description: run.runner,
      tagList: initialTags(ctx),
      runUntagged: false,
      locked: true,
      ...(deps.settings.gitlab.maximumTimeout === undefined
        ? {}
        : { maximumTimeout: deps.settings.gitlab.maximumTimeout }),
    });
    memory.runnerToken = token;
    memory.runnerTokenTimes = { obtainedAt: deps.clock.now(), expiresAt: tokenExpiresAt };
    await removeDuplicates(ctx, id);
    return { runnerId: id, runnerCreateStartedAt: undefined };
  },
};

/** Waits for the runner's jobs to end, up to the drain limit; the thread shows the jobs still running. */
async function drainJobs(ctx: StepContext, runnerId: number): Promise<number> {
  const { clock, registry, settings } = ctx.deps;
  const deadline = clock.now() + settings.timeouts.drainJobsMs;
  let shown = '';
  for (;;) {
    const running = await registry.listRunningJobs(runnerId);
    const left = deadline - clock.now();
    if (running.length === 0 || left <= 0) return running.length;
    const ids = running.map((j) => j.id).join(',');
    if (ids !== shown) await ctx.note?.(drainNote(running, left));
    shown = ids;
    await clock.sleep(Math.min(settings.pollMs, left), ctx.signal);
  }
}

const MAX_JOBS_NAMED = 10;

function drainNote(jobs: RunningJob[], leftMs: number): string {
  const named = jobs.slice(0, MAX_JOBS_NAMED).map((j) => `#${j.id} ${j.name}`);
  const more = jobs.length > MAX_JOBS_NAMED ? ` and ${jobs.length - MAX_JOBS_NAMED} more` : '';
  const count = `${jobs.length} job${jobs.length === 1 ? '' : 's'} still running`;
  return `${count}: ${named.join(', ')}${more}; waiting up to ${Math.ceil(leftMs / 60_000)} min for them to end`;
}

export const pauseRunner: Step = {
  name: 'pause-runner',
  async check(ctx) {
    const runner = await findRunner(ctx);
    if (!runner) return { done: true };
    const idle = runner.paused && (await ctx.deps.registry.runningJobs(runner.id)) === 0;
    return idle ? { done: true, outputs: { runnerId: runner.id } } : { done: false };
  },
  async apply(ctx) {
    const runner = await findRunner(ctx);
    if (!runner) return {};
    try {
      await ctx.deps.registry.setPaused(runner.id, true);
    } catch (e) {
      if (hasCode(e, 'RUNNER.NOT_FOUND')) return {};
      throw e;
    }
    const left = await drainJobs(ctx, runner.id);
    // Past the drain limit the runner is removed anyway; the summary says how many jobs it cut off.
    return left > 0 ? { runnerId: runner.id, jobsLeftRunning: left } : { runnerId: runner.id };
  },
};

/** The run's runner (if GitLab still has it) and every other runner of its name. */
async function runnersToDelete(ctx: StepContext): Promise<GitlabRunner[]> {
  const own = await findRunner(ctx);
  const named = await ctx.deps.registry.findRunnersByDescription(ctx.run.runner);
  return [...(own ? [own] : []), ...named.filter((r) => r.id !== own?.id)];
}

export const deleteRunner: Step = {
  name: 'delete-runner',
  clears: ['runnerId'],
  async check(ctx) {
    return (await runnersToDelete(ctx)).length > 0 ? { done: false } : { done: true };
  },
  async apply(ctx) {
    const removed = [...(ctx.run.outputs.removedRunnerIds ?? [])];
    for (const runner of await runnersToDelete(ctx)) {
      await ctx.deps.registry.deleteRunner(runner.id);
      removed.push(runner.id);
    }
    return { removedRunnerIds: removed };
  },
};

export const runnerSteps = [createRunner, pauseRunner, deleteRunner] as const;
