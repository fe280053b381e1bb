// `validate`: the validation project's pipeline, pinned to the new runner, must pass before the
// runner takes real jobs. While it runs, the runner's only tag is its validation tag (and it never
// runs untagged jobs), so only the validation jobs can land on it. The pipeline's id is saved as
// soon as GitLab answers, so a resumed run waits on that pipeline instead of starting another.
// Passed: the runner gets its profile's tags. Failed or timed out: the runner is paused and the
// run fails (Retry starts a new run, which validates again).
import { permanent } from '../../core/errors.ts';
import { pollDelay } from '../../core/poll-backoff.ts';
import type { Pipeline, ValidationProject } from '../../core/ports.ts';
import type { ValidationSettings } from '../../core/settings.ts';
import {
  pipelineFinished,
  VALIDATION_TAG_VARIABLE,
  validationFailure,
  validationTag,
  type ValidationOutcome,
} from '../../core/validation.ts';
import type { Step, StepContext } from './step.ts';

function configured(ctx: StepContext): { settings: ValidationSettings; project: ValidationProject; runnerId: number } {
  const { settings, validationProject } = ctx.deps;
  const runnerId = ctx.run.outputs.runnerId;
  if (!settings.validation || !validationProject)
    throw permanent('VALIDATION.NOT_CONFIGURED', 'this run validates its runner but validation is not configured');
  if (runnerId === undefined) throw new Error('validate needs outputs.runnerId: create-runner must run first');
  return { settings: settings.validation, project: validationProject, runnerId };
}

/** The pipeline this run started and may wait on, if GitLab still has it. */
async function startedPipeline(ctx: StepContext, project: ValidationProject): Promise<Pipeline | null> {
  const id = ctx.run.outputs.validation?.pipelineId;
  return id === undefined ? null : project.pipeline(id);
}

async function start(ctx: StepContext, settings: ValidationSettings, project: ValidationProject, runnerId: number) {
  const tag = validationTag(settings.tagPrefix, ctx.run.runner);
  const { registry, clock } = ctx.deps;
  await registry.setTags(runnerId, [tag]);
  await registry.setPaused(runnerId, false);
  const pipeline = await project.trigger(settings.ref, { [VALIDATION_TAG_VARIABLE]: tag });
  const outcome: ValidationOutcome = { ...fromPipeline(pipeline), startedAt: clock.now(), jobs: [] };
  await ctx.save?.({ validation: outcome });
  return outcome;
}

const fromPipeline = (p: Pipeline) => ({ pipelineId: p.id, webUrl: p.webUrl, status: p.status });

async function waitForEnd(ctx: StepContext, project: ValidationProject, started: ValidationOutcome, timeoutMs: number) {
  const { clock, settings } = ctx.deps;
  let status = started.status;
  for (let attempt = 0; !pipelineFinished(status); attempt++) {
    const left = started.startedAt + timeoutMs - clock.now();
    if (left <= 0) return { ...started, status: 'timed out' };
    await clock.sleep(Math.min(pollDelay(attempt, settings.pollMs), left), ctx.signal);
    const now = await project.pipeline(started.pipelineId);
    if (!now) return { ...started, status: 'deleted' };
    status = now.status;
  }
  return { ...started, status };
}

export const validate: Step = {
  name: 'validate',
  async check(ctx) {
    const passed = ctx.run.outputs.validation?.status === 'success';
    const runnerId = ctx.run.outputs.runnerId;
    if (!passed || runnerId === undefined) return { done: false };
    const runner = await ctx.deps.registry.getRunner(runnerId);
    const tagged = runner !== null && ctx.run.spec.tags.every((t) => runner.tagList.includes(t));
    return tagged && !runner.paused ? { done: true } : { done: false };
  },
  async apply(ctx) {
    const { settings, project, runnerId } = configured(ctx);
    const { registry } = ctx.deps;
    const resumed = await startedPipeline(ctx, project);
    const started =
      resumed && ctx.run.outputs.validation
        ? { ...ctx.run.outputs.validation, ...fromPipeline(resumed) }
        : await start(ctx, settings, project, runnerId);
    const ended = await waitForEnd(ctx, project, started, settings.timeoutMs);
    const jobs = (await project.jobs(ended.pipelineId)).map(({ name, status, webUrl }) => ({ name, status, webUrl }));
    const outcome: ValidationOutcome = { ...ended, jobs };
    if (outcome.status !== 'success') {
      await registry.setPaused(runnerId, true);
      await ctx.save?.({ validation: outcome });
      const code = outcome.status === 'timed out' ? 'VALIDATION.TIMEOUT' : 'VALIDATION.FAILED';
      throw permanent(code, `${validationFailure(outcome)}; GitLab runner #${runnerId} stays paused`);
    }
    await registry.setTags(runnerId, ctx.run.spec.tags);
    return { validation: outcome };
  },
};
