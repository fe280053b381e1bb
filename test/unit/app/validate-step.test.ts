// The validate step against an in-memory GitLab (runners and a validation project): what it asks
// GitLab to do on a first run, on a resumed run, and when the pipeline fails or never ends.
import { describe, expect, it } from 'vitest';
import type { StepContext } from '../../../src/app/steps/step.ts';
import { validate } from '../../../src/app/steps/validate.ts';
import type { RunOutputs } from '../../../src/core/run.ts';
import type { GitlabRunner, Pipeline, PipelineJob, ValidationProject } from '../../../src/core/ports.ts';
import { testRun, testSettings } from '../../../sim/proxmox/harness.ts';
import { ManualClock } from '../../support/memory-ports.ts';

const TAG = 'runnerbot-gitlab-runner-07';

/** A project whose pipeline ends as `ends` after `polls` reads (never, for 'running'). */
function world(ends: 'success' | 'failed' | 'running', polls = 2) {
  const calls: string[] = [];
  const runner: GitlabRunner = {
    id: 5,
    description: 'gitlab-runner-07',
    tagList: [TAG],
    paused: true,
    locked: true,
    runUntagged: false,
    status: 'online',
    online: true,
  };
  const jobs: PipelineJob[] = ['runner-health', 'docker-build'].map((name, i) => ({
    id: 10 + i,
    name,
    status: ends === 'failed' && name === 'docker-build' ? 'failed' : 'success',
    webUrl: `https://gitlab.example.com/v/-/jobs/${10 + i}`,
  }));
  let reads = 0;
  const status = () => (ends !== 'running' && reads >= polls ? ends : 'running');
  const pipeline = (id: number): Pipeline => ({
    id,
    status: status(),
    webUrl: `https://gitlab.example.com/v/-/pipelines/${id}`,
  });
  const project: ValidationProject = {
    trigger: async (ref, variables) => {
      calls.push(`trigger ${ref} ${JSON.stringify(variables)}`);
      return pipeline(42);
    },
    pipeline: async (id) => {
      reads++;
      return pipeline(id);
    },
    jobs: async () => jobs,
    readFile: async () => null,
    commit: async () => undefined,
  };
  const registry = {
    getRunner: async () => ({ ...runner }),
    setTags: async (_id: number, tags: string[]) =>
      void (calls.push(`tags ${tags.join(',')}`), (runner.tagList = tags)),
    setPaused: async (_id: number, paused: boolean) => void (calls.push(`paused ${paused}`), (runner.paused = paused)),
  };
  const saved: Partial<RunOutputs>[] = [];
  const settings = {
    ...testSettings(),
    validation: { projectId: 3, ref: 'main', tagPrefix: 'runnerbot-', timeoutMs: 60_000 },
  };
  const ctx = (outputs: Partial<RunOutputs> = {}) =>
    ({
      run: { ...testRun('gitlab-runner-07'), outputs: { runnerId: 5, ...outputs } },
      deps: { registry, validationProject: project, settings, clock: new ManualClock() },
      memory: {},
      signal: new AbortController().signal,
      save: async (o: Partial<RunOutputs>) => void saved.push(o),
    }) as unknown as StepContext;
  return { calls, runner, ctx, saved };
}

describe('validate', () => {
  it('tags the runner for validation only, runs the pipeline, then gives it the profile tags', async () => {
    const w = world('success');
    const outputs = await validate.apply(w.ctx());
    expect(w.calls).toEqual([
      `tags ${TAG}`,
      'paused false',
      `trigger main {"RUNNERBOT_VALIDATION_TAG":"${TAG}"}`,
      'tags docker,linux',
    ]);
    expect(w.saved[0]).toMatchObject({ validation: { pipelineId: 42, status: 'running' } });
    expect(outputs).toMatchObject({
      validation: {
        pipelineId: 42,
        status: 'success',
        jobs: [
          { name: 'runner-health', status: 'success', webUrl: 'https://gitlab.example.com/v/-/jobs/10' },
          { name: 'docker-build', status: 'success' },
        ],
      },
    });
    expect(w.runner).toMatchObject({ paused: false, tagList: ['docker', 'linux'] });
  });

  it('a resumed run waits on the pipeline it started instead of starting another', async () => {
    const w = world('success');
    const started = { pipelineId: 42, webUrl: 'x', status: 'running', startedAt: 1_700_000_000_000, jobs: [] };
    await validate.apply(w.ctx({ validation: started }));
    expect(w.calls.filter((c) => c.startsWith('trigger'))).toEqual([]);
    expect(w.calls).toEqual(['tags docker,linux']);
  });

  it('a failed job pauses the runner, keeps its validation tag and fails the step for good', async () => {
    const w = world('failed');
    const error = await validate.apply(w.ctx()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'VALIDATION.FAILED',
      transient: false,
      message: 'validation pipeline #42 ended failed: docker-build (failed); GitLab runner #5 stays paused',
    });
    expect(w.runner).toMatchObject({ paused: true, tagList: [TAG] });
    expect(w.saved.at(-1)).toMatchObject({ validation: { status: 'failed', jobs: [{}, { status: 'failed' }] } });
  });

  it('a pipeline that never ends times out, counted from when it started, and pauses the runner', async () => {
    const w = world('running');
    const error = await validate.apply(w.ctx()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'VALIDATION.TIMEOUT' });
    expect(w.runner.paused).toBe(true);
  });

  it('is done on a check only when the pipeline passed and the runner has its tags and is not paused', async () => {
    const passed = { pipelineId: 42, webUrl: 'x', status: 'success', startedAt: 0, jobs: [] };
    const w = world('success');
    expect(await validate.check(w.ctx({ validation: passed }))).toEqual({ done: false });
    w.runner.tagList = ['docker', 'linux'];
    w.runner.paused = false;
    expect(await validate.check(w.ctx({ validation: passed }))).toEqual({ done: true });
    expect(await validate.check(w.ctx())).toEqual({ done: false });
  });
});
