// The GitLab adapter (src/provisioner/gitlab.ts) against the GitLab simulator: what it sends, how
// it reads answers, and how failures become coded errors that never carry a token.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunnerbotError } from '../../../src/core/errors.ts';
import { createGitlabRegistry, type GitlabRegistryConfig } from '../../../src/provisioner/gitlab.ts';
import { startGitlabSim, type GitlabSim } from '../../../sim/gitlab/index.ts';

const ADMIN = 'glpat-registry-admin-1234';
let sim: GitlabSim;

beforeEach(async () => {
  sim = await startGitlabSim({
    tokens: [
      { token: ADMIN, scopes: ['create_runner', 'manage_runner', 'read_api'], admin: true, user: 'root' },
      { token: 'glpat-manage-only-5678', scopes: ['manage_runner'], user: 'root' },
      { token: 'glpat-group-owner-9012', scopes: ['create_runner', 'manage_runner', 'read_api'], user: 'owner' },
    ],
  });
});
afterEach(() => sim.close());

const registry = (over: Partial<GitlabRegistryConfig> = {}) =>
  createGitlabRegistry({ url: `${sim.url}/`, token: ADMIN, runnerType: 'instance_type', ...over });
const request = { description: 'gitlab-runner-02', tagList: ['docker', 'build'], runUntagged: false, locked: true };

async function refusal(p: Promise<unknown>): Promise<RunnerbotError> {
  const e = await p.then(
    () => expect.fail('expected a refusal'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RunnerbotError);
  return e as RunnerbotError;
}

function expectNoSecret(e: RunnerbotError, ...secrets: string[]): void {
  const seen = [e.message, e.stack ?? '', JSON.stringify(e), String(e.cause ?? '')].join('\n');
  for (const s of secrets) expect(seen).not.toContain(s);
  expect(e.cause).toBeUndefined();
}

describe('GitLab registry', () => {
  it('creates a runner, reads it back, pauses, counts jobs, resets its token and deletes it', async () => {
    const gitlab = registry({ groupId: 99 });
    const { id, token } = await gitlab.createRunner({ ...request, maximumTimeout: 3600 });
    expect(token).toMatch(/^glrt-/);
    expect(await gitlab.getRunner(id)).toEqual({
      id,
      description: 'gitlab-runner-02',
      tagList: ['docker', 'build'],
      paused: false,
      locked: true,
      runUntagged: false,
      status: 'never_contacted',
      online: false,
      contactedAt: undefined,
    });
    expect(sim.runners()[0]).toMatchObject({ runnerType: 'instance_type', groupId: null, maximumTimeout: 3600 });
    await gitlab.setPaused(id, true);
    expect((await gitlab.getRunner(id))?.paused).toBe(true);
    sim.addJob(id);
    sim.addJob(id, { status: 'failed' });
    expect(await gitlab.runningJobs(id)).toBe(1);
    const { token: fresh, tokenExpiresAt } = await gitlab.resetToken(id);
    expect(fresh).toMatch(/^glrt-/);
    expect(tokenExpiresAt).toBeNull();
    expect(fresh).not.toBe(token);
    await gitlab.deleteRunner(id);
    await gitlab.deleteRunner(id);
    expect(await gitlab.getRunner(id)).toBeNull();
    expect(await gitlab.runningJobs(id)).toBe(0);
    expect(
      sim
        .requests()
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.status),
    ).toEqual([204, 404]);
    await expect(gitlab.setPaused(id, false)).rejects.toMatchObject({ code: 'RUNNER.NOT_FOUND' });
  });

  it('creates group and project runners in their group or project, and lists the owned ones', async () => {
    const group = registry({ token: 'glpat-group-owner-9012', runnerType: 'group_type', groupId: 12 });
    const { id } = await group.createRunner(request);
    await group.createRunner({ ...request, description: 'other' });
    expect(sim.runners()[0]).toMatchObject({ runnerType: 'group_type', groupId: 12, projectId: null });
    expect((await group.findRunnersByDescription('gitlab-runner-02')).map((r) => r.id)).toEqual([id]);
    expect(sim.requests().some((r) => r.operationId === 'getApiV4Runners')).toBe(true);
    await registry({ runnerType: 'project_type', projectId: 5 }).createRunner(request);
    expect(sim.runners()[2]).toMatchObject({ runnerType: 'project_type', projectId: 5, groupId: null });
  });

  it('finds instance runners by description through /runners/all, across pages', async () => {
    const gitlab = registry();
    for (let i = 0; i < 25; i += 1)
      await gitlab.createRunner({ ...request, description: i === 21 ? 'wanted' : `r${i}` });
    expect(await gitlab.findRunnersByDescription('wanted')).toMatchObject([{ id: 22, description: 'wanted' }]);
    expect(sim.requests().filter((r) => r.operationId === 'getApiV4RunnersAll')).toHaveLength(2);
  });
});

describe('GitLab registry failures', () => {
  it('a bad token is a permanent GITLAB.FORBIDDEN that names what to fix and not the token', async () => {
    const e = await refusal(registry({ token: 'glpat-not-valid-4242' }).createRunner(request));
    expect(e).toMatchObject({ code: 'GITLAB.FORBIDDEN', transient: false });
    expect(e.message).toMatch(/401 Unauthorized.*GITLAB_TOKEN/);
    expectNoSecret(e, 'glpat-not-valid-4242');
  });

  it('a token without create_runner is told which scope it needs', async () => {
    const e = await refusal(registry({ token: 'glpat-manage-only-5678' }).createRunner(request));
    expect(e).toMatchObject({ code: 'GITLAB.FORBIDDEN', transient: false });
    expect(e.message).toContain('the token needs the create_runner scope');
    expectNoSecret(e, 'glpat-manage-only-5678');
    const list = await refusal(registry({ token: 'glpat-manage-only-5678' }).findRunnersByDescription('x'));
    expect(list.message).toContain('read_api');
  });

  it('5xx, dropped connections and timeouts are transient; 502 is retried by the client', async () => {
    sim.faults.set('POST /api/v4/user/runners', { errorRate: 1, status: 500, times: 1 });
    expect(await refusal(registry().createRunner(request))).toMatchObject({ code: 'STEP.TRANSIENT', transient: true });
    sim.faults.set('GET /api/v4/runners/', { dropRate: 1, times: 1 });
    expect(await refusal(registry().getRunner(1))).toMatchObject({ code: 'STEP.TRANSIENT', transient: true });
    sim.faults.set('GET /api/v4/runners/', { latencyMs: 400, times: 1 });
    const slow = await refusal(registry({ requestTimeoutMs: 40 }).getRunner(1));
    expect(slow).toMatchObject({ code: 'STEP.TRANSIENT', transient: true });
    expect(slow.message).toContain('timed out');
    sim.faults.set('POST /api/v4/user/runners', { errorRate: 1, status: 502, times: 2 });
    await expect(registry().createRunner(request)).resolves.toMatchObject({ id: 1 });
  });

  it('scrubs anything token-shaped that GitLab echoes back', async () => {
    sim.faults.set('GET /api/v4/runners/', {
      errorRate: 1,
      status: 422,
      body: { message: `token glrt-echoed-secret and ${ADMIN} refused` },
      times: 1,
    });
    const e = await refusal(registry().getRunner(1));
    expect(e).toMatchObject({ code: 'STEP.UNRECOVERABLE', transient: false });
    expect(e.message).toContain('[REDACTED]');
    expectNoSecret(e, 'glrt-echoed-secret', ADMIN);
  });

  it('an unreachable GitLab is transient', async () => {
    const url = sim.url;
    await sim.close();
    const e = await refusal(createGitlabRegistry({ url, token: ADMIN, runnerType: 'instance_type' }).getRunner(1));
    expect(e).toMatchObject({ code: 'STEP.TRANSIENT', transient: true });
    expect(e.message).toContain('unreachable');
    sim = await startGitlabSim();
  });
});
