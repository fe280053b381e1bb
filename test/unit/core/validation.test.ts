// The pure parts of validation: the plan, the tag, the root CI file, what an install commits, and
// how a failure reads.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planFor } from '../../../src/core/plan.ts';
import {
  ciRootFile,
  installActions,
  pipelineFinished,
  validationFailure,
  validationTag,
} from '../../../src/core/validation.ts';

describe('the plan with validation', () => {
  it("puts validate right after verify in a provision and in a rebuild's successor", () => {
    const provision = planFor('provision', { validate: true });
    expect(provision.slice(provision.indexOf('verify'), provision.indexOf('verify') + 3)).toEqual([
      'verify',
      'validate',
      'announce',
    ]);
    const rebuild = planFor('reprovision', { validate: true });
    expect(rebuild.filter((s) => s.endsWith('validate'))).toEqual(['successor:validate']);
    expect(rebuild.indexOf('successor:validate')).toBe(rebuild.indexOf('successor:verify') + 1);
    expect(rebuild.indexOf('successor:validate')).toBeLessThan(rebuild.indexOf('pause-runner'));
    const inPlace = planFor('reprovision', { validate: true, inPlace: true });
    expect(inPlace.indexOf('validate')).toBe(inPlace.indexOf('verify') + 1);
  });

  it('has no validate step when validation is not configured, nor in a removal', () => {
    expect(planFor('provision')).not.toContain('validate');
    expect(planFor('reprovision').filter((s) => s.endsWith('validate'))).toEqual([]);
    expect(planFor('deprovision', { validate: true })).not.toContain('validate');
  });
});

describe('validation files', () => {
  it("names the runner's validation tag PREFIX + name", () => {
    expect(validationTag('runnerbot-', 'gitlab-runner-build-01')).toBe('runnerbot-gitlab-runner-build-01');
  });

  it('writes a root file that includes every job file and starts pipelines only with a tag to run on', () => {
    const doc = parse(ciRootFile(['validation/b.gitlab-ci.yml', 'validation/a.gitlab-ci.yml'])) as Record<
      string,
      unknown
    >;
    expect(doc).toEqual({
      workflow: { rules: [{ if: '$RUNNERBOT_VALIDATION_TAG' }] },
      include: [{ local: 'validation/a.gitlab-ci.yml' }, { local: 'validation/b.gitlab-ci.yml' }],
    });
  });

  it('commits missing files as create, changed ones as update, and leaves equal ones alone', () => {
    const wanted = [
      { path: 'a', content: 'A' },
      { path: 'b', content: 'B' },
      { path: 'c', content: 'C' },
    ];
    const existing = new Map([
      ['a', 'A'],
      ['b', 'old'],
      ['c', null],
    ]);
    expect(installActions(wanted, existing)).toEqual([
      { action: 'update', filePath: 'b', content: 'B' },
      { action: 'create', filePath: 'c', content: 'C' },
    ]);
    expect(installActions(wanted, new Map(wanted.map((f) => [f.path, f.content])))).toEqual([]);
  });
});

describe('pipeline outcomes', () => {
  it('knows which statuses GitLab will not change on its own', () => {
    for (const s of ['success', 'failed', 'canceled', 'skipped', 'manual']) expect(pipelineFinished(s)).toBe(true);
    for (const s of ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'scheduled'])
      expect(pipelineFinished(s)).toBe(false);
  });

  it('names the jobs that did not pass', () => {
    const outcome = {
      pipelineId: 7,
      webUrl: 'https://gitlab.example.com/p/-/pipelines/7',
      status: 'failed',
      startedAt: 0,
      jobs: [
        { name: 'runner-health', status: 'success', webUrl: 'u1' },
        { name: 'docker-build', status: 'failed', webUrl: 'u2' },
        { name: 'deploy-dry-run', status: 'canceled', webUrl: 'u3' },
      ],
    };
    expect(validationFailure(outcome)).toBe(
      'validation pipeline #7 ended failed: docker-build (failed), deploy-dry-run (canceled)',
    );
  });
});
