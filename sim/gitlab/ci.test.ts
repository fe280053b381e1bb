// The simulator's projects, pipelines and runner job API, spoken to as GitLab's clients do:
// runnerbot's ValidationProject adapter, and gitlab-runner's requests (the fake VMs' job loop).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Gitlab } from '@gitbeaker/rest';
import { createValidationProject } from '../../src/provisioner/gitlab/validation-project.ts';
import { runScript } from '../vm/runner-jobs.ts';
import { startGitlabSim, type GitlabSim } from './index.ts';

const ADMIN = { token: 'glpat-ci-admin', scopes: ['api' as const], admin: true, user: 'root' };
const READER = { token: 'glpat-ci-reader', scopes: ['read_api' as const], admin: true, user: 'root' };
let sim: GitlabSim;
let projectId: number;

const CI = [
  'stages: [check, build]',
  'health:',
  '  stage: check',
  '  tags: [$PIN]',
  '  script: [echo ok]',
  'build:',
  '  stage: build',
  '  tags: ["${PIN}"]',
  '  script: [make]',
  '',
].join('\n');

beforeEach(async () => {
  sim = await startGitlabSim({ tokens: [ADMIN, READER] });
  projectId = sim.addProject('platform/validation');
  sim.pushFiles(projectId, 'main', { '.gitlab-ci.yml': CI });
});
afterEach(() => sim.close());

const project = (token = ADMIN.token) => createValidationProject({ url: sim.url, token, projectId });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${sim.url}/api/v4/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

async function runnerWith(tags: string[]): Promise<{ id: number; token: string }> {
  const api = new Gitlab({ host: sim.url, token: ADMIN.token });
  const r = await api.Users.createCIRunner('instance_type', { tagList: tags, runUntagged: false });
  return { id: r.id, token: r.token };
}

describe('projects and pipelines', () => {
  it('reads and commits files with the Commits API; a create of an existing file is refused', async () => {
    const p = project();
    expect(await p.readFile('validation/a.yml', 'main')).toBeNull();
    await p.commit('main', 'add', [{ action: 'create', filePath: 'validation/a.yml', content: 'a: 1\n' }]);
    expect(await p.readFile('validation/a.yml', 'main')).toBe('a: 1\n');
    await expect(
      p.commit('main', 'again', [{ action: 'create', filePath: 'validation/a.yml', content: 'x' }]),
    ).rejects.toMatchObject({ code: 'STEP.UNRECOVERABLE', message: /A file with this name already exists/ });
  });

  it('starts a pipeline whose jobs carry the expanded tags; the next stage waits for the first', async () => {
    const started = await project().trigger('main', { PIN: 'runnerbot-x' });
    expect(started).toMatchObject({
      status: 'pending',
      webUrl: `${sim.url}/platform/validation/-/pipelines/${started.id}`,
    });
    const jobs = sim.pipelines()[0]!.jobs;
    expect(jobs.map((j) => [j.name, j.tags, j.status])).toEqual([
      ['health', ['runnerbot-x'], 'pending'],
      ['build', ['runnerbot-x'], 'created'],
    ]);
  });

  it('refuses what GitLab refuses: a missing ref, a scope without api, an unknown parameter', async () => {
    await expect(project().trigger('nope', {})).rejects.toMatchObject({ message: /Reference not found/ });
    await expect(project(READER.token).trigger('main', {})).rejects.toMatchObject({ code: 'GITLAB.FORBIDDEN' });
    const res = await post(
      `projects/${projectId}/pipeline`,
      { ref: 'main', varaibles: [] },
      { 'private-token': ADMIN.token },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'varaibles is not a parameter of postApiV4ProjectsIdPipeline' });
  });
});

describe("the runner's job API", () => {
  it('hands a job only to a runner with its tags, takes the trace and the result, and moves the pipeline on', async () => {
    const p = project();
    const pipeline = await p.trigger('main', { PIN: 'runnerbot-x' });
    const other = await runnerWith(['docker']);
    const pinned = await runnerWith(['runnerbot-x']);
    expect((await post('jobs/request', { token: other.token })).status).toBe(204);
    expect((await post('jobs/request', { token: 'glrt-wrong' })).status).toBe(403);

    const asked = await post('jobs/request', { token: pinned.token, info: { name: 'gitlab-runner' } });
    expect(asked.status).toBe(201);
    const job = (await asked.json()) as {
      id: number;
      token: string;
      steps: { script: string[] }[];
      variables: { key: string; value: string }[];
    };
    expect(job.steps[0]!.script).toEqual(['echo ok']);
    expect(job.variables).toContainEqual(expect.objectContaining({ key: 'PIN', value: 'runnerbot-x' }));
    // Nothing else for this runner until the first stage is done.
    expect((await post('jobs/request', { token: pinned.token })).status).toBe(204);

    const trace = (range: string, text: string) =>
      fetch(`${sim.url}/api/v4/jobs/${job.id}/trace`, {
        method: 'PATCH',
        headers: { 'job-token': job.token, 'content-range': range, 'content-type': 'text/plain' },
        body: text,
      });
    expect((await trace('0-2', 'ok\n')).status).toBe(202);
    const wrong = await trace('0-2', 'ok\n');
    expect([wrong.status, wrong.headers.get('range')]).toEqual([416, '0-3']);

    const put = (token: string, state: string) =>
      fetch(`${sim.url}/api/v4/jobs/${job.id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, state }),
      });
    expect((await put('glcbt-wrong', 'success')).status).toBe(403);
    expect((await put(job.token, 'success')).status).toBe(200);
    // The job token dies with the job.
    expect((await put(job.token, 'success')).status).toBe(403);

    expect((await p.pipeline(pipeline.id))?.status).toBe('pending');
    const second = (await (await post('jobs/request', { token: pinned.token })).json()) as {
      id: number;
      token: string;
    };
    await fetch(`${sim.url}/api/v4/jobs/${second.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: second.token, state: 'failed' }),
    });
    expect((await p.pipeline(pipeline.id))?.status).toBe('failed');
    const listed = await p.jobs(pipeline.id);
    expect(listed.map((j) => [j.name, j.status]).sort()).toEqual([
      ['build', 'failed'],
      ['health', 'success'],
    ]);
    expect(
      sim
        .runners()
        .find((r) => r.id === pinned.id)!
        .jobs.map((j) => j.status),
    ).toEqual(['success', 'failed']);
  });

  it('gives nothing to a paused runner', async () => {
    await project().trigger('main', { PIN: 'runnerbot-x' });
    const pinned = await runnerWith(['runnerbot-x']);
    await new Gitlab({ host: sim.url, token: ADMIN.token }).Runners.edit(pinned.id, { paused: true });
    expect((await post('jobs/request', { token: pinned.token })).status).toBe(204);
  });

  it("the fake VMs' runner fails a job whose script exits non-zero", () => {
    expect(runScript(['echo ok', 'make']).ok).toBe(true);
    expect(runScript(['echo ok', 'docker info || exit 1']).ok).toBe(false);
    expect(runScript(['exit 0']).ok).toBe(true);
    expect(runScript(['echo done; exit 3']).trace).toContain('exit code 3');
  });
});
