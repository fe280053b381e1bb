// The GitLab simulator answers the real client (@gitbeaker/rest) as GitLab does: same statuses,
// same error bodies, tokens shown once, runner-token verification and status transitions.
import { Gitlab, GitbeakerRequestError } from '@gitbeaker/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitlabSim, type GitlabSim } from './index.ts';

let sim: GitlabSim;
let clock = Date.now();
const admin = () => new Gitlab({ host: sim.url, token: sim.token });
const as = (token: string) => new Gitlab({ host: sim.url, token });

beforeEach(async () => {
  clock = Date.now();
  sim = await startGitlabSim({
    now: () => clock,
    onlineWindowMs: 60_000,
    tokens: [
      { token: 'glpat-admin', scopes: ['create_runner', 'manage_runner', 'read_api'], admin: true, user: 'root' },
      { token: 'glpat-create-only', scopes: ['create_runner'], user: 'alice' },
      { token: 'glpat-manage-only', scopes: ['manage_runner'], user: 'alice' },
      { token: 'glpat-alice-api', scopes: ['api'], user: 'alice' },
    ],
  });
});
afterEach(() => sim.close());

async function failure(p: Promise<unknown>): Promise<{ status: number; description: string }> {
  const e = await p.then(
    () => expect.fail('expected GitLab to refuse'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(GitbeakerRequestError);
  const { response, description } = (e as GitbeakerRequestError).cause as { response: Response; description: string };
  return { status: response.status, description };
}

/** The exact error body, which gitbeaker consumes: read with a plain fetch. */
async function raw(method: string, path: string, token: string, body?: unknown): Promise<[number, unknown]> {
  const res = await fetch(`${sim.url}/api/v4/${path}`, {
    method,
    headers: { 'private-token': token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return [res.status, await res.json()];
}

async function verify(token: string) {
  return admin().Runners.verify({ token } as { systemId?: string });
}

describe('POST /user/runners', () => {
  it('refuses a runner without runner_type with 400 "runner_type is missing"', async () => {
    const f = await failure(
      admin().Users.createCIRunner(undefined as unknown as 'instance_type', { description: 'x' }),
    );
    expect(f.status).toBe(400);
    expect(f.description).toBe('runner_type is missing');
  });

  it('requires group_id only for group_type and project_id only for project_type', async () => {
    const group = await failure(admin().Users.createCIRunner('group_type', { description: 'g' }));
    expect([group.status, group.description]).toEqual([400, 'group_id is missing']);
    const project = await failure(admin().Users.createCIRunner('project_type', { groupId: 3 }));
    expect([project.status, project.description]).toEqual([400, 'project_id is missing']);
    const bad = await failure(admin().Users.createCIRunner('planet_type' as 'instance_type'));
    expect([bad.status, bad.description]).toEqual([400, 'runner_type does not have a valid value']);
    await expect(admin().Users.createCIRunner('group_type', { groupId: 7 })).resolves.toMatchObject({ id: 1 });
    await expect(admin().Users.createCIRunner('instance_type')).resolves.toMatchObject({ id: 2 });
  });

  it('shows the glrt- token once: GET and list never return it, the request log redacts it', async () => {
    const created = await admin().Users.createCIRunner('instance_type', {
      description: 'r1',
      tagList: ['docker', 'linux'],
      locked: true,
      runUntagged: false,
    });
    expect(created.token).toMatch(/^glrt-[A-Za-z0-9_-]{20}$/);
    expect(created.token_expires_at).toBeNull();
    const shown = await admin().Runners.show(created.id);
    expect(shown).toMatchObject({
      id: created.id,
      description: 'r1',
      tag_list: ['docker', 'linux'],
      locked: true,
      run_untagged: false,
      paused: false,
      status: 'never_contacted',
      online: false,
    });
    const listed = await admin().Runners.all();
    await verify(created.token);
    const everything = JSON.stringify([shown, listed, sim.runners(), sim.requests()]);
    expect(everything).not.toContain(created.token);
  });

  it('lets only an admin create an instance runner', async () => {
    const f = await failure(as('glpat-alice-api').Users.createCIRunner('instance_type'));
    expect([f.status, f.description]).toEqual([403, '403 Forbidden - Insufficient permissions']);
  });
});

describe('authentication and scopes', () => {
  it('answers a bad token with 401 {"message":"401 Unauthorized"}', async () => {
    const f = await failure(as('glpat-wrong').Runners.show(1));
    expect([f.status, f.description]).toEqual([401, '401 Unauthorized']);
    expect(await raw('GET', 'runners/1', 'glpat-wrong')).toEqual([401, { message: '401 Unauthorized' }]);
  });

  it('answers a token without the needed scope with 403 insufficient_scope', async () => {
    const create = await failure(as('glpat-manage-only').Users.createCIRunner('group_type', { groupId: 1 }));
    expect([create.status, create.description]).toEqual([403, 'insufficient_scope']);
    expect(await raw('POST', 'user/runners', 'glpat-manage-only', { runner_type: 'instance_type' })).toEqual([
      403,
      {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: 'api create_runner',
      },
    ]);
    const { id } = await as('glpat-create-only').Users.createCIRunner('group_type', { groupId: 1 });
    const show = await failure(as('glpat-create-only').Runners.show(id));
    expect([show.status, show.description]).toEqual([403, 'insufficient_scope']);
    await expect(as('glpat-manage-only').Runners.edit(id, { paused: true })).resolves.toMatchObject({ paused: true });
  });

  it('keeps GET /runners/all for administrators', async () => {
    const f = await failure(as('glpat-alice-api').Runners.all());
    expect([f.status, f.description]).toEqual([403, '403 Forbidden']);
    expect(await raw('GET', 'runners/all', 'glpat-alice-api')).toEqual([403, { message: '403 Forbidden' }]);
  });

  it("refuses another user's runner with 403 No access granted", async () => {
    const { id } = await admin().Users.createCIRunner('group_type', { groupId: 1 });
    const f = await failure(as('glpat-alice-api').Runners.remove({ runnerId: id }));
    expect([f.status, f.description]).toEqual([403, '403 Forbidden - No access granted']);
  });
});

describe('runner tokens', () => {
  it('verifies a valid token (200) and the runner goes never_contacted -> online -> offline', async () => {
    const { id, token } = await admin().Users.createCIRunner('instance_type');
    expect(await admin().Runners.show(id)).toMatchObject({ status: 'never_contacted', contacted_at: null });
    await expect(verify(token)).resolves.toBe('200');
    expect(await admin().Runners.show(id)).toMatchObject({
      status: 'online',
      online: true,
      contacted_at: new Date(clock).toISOString(),
    });
    clock += 60_001;
    expect(await admin().Runners.show(id)).toMatchObject({ status: 'offline', online: false });
    const f = await failure(verify('glrt-not-a-runner-token'));
    expect([f.status, f.description]).toEqual([403, '403 Forbidden']);
  });

  it('verifies the way gitlab-runner and curl send it: JSON with system_id, or a form', async () => {
    const { token } = await admin().Users.createCIRunner('instance_type');
    const json = await fetch(`${sim.url}/api/v4/runners/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, system_id: 's_0123456789ab' }),
    });
    expect([json.status, await json.text()]).toEqual([200, '200']);
    const form = await fetch(`${sim.url}/api/v4/runners/verify`, {
      method: 'POST',
      body: new URLSearchParams({ token }),
    });
    expect(form.status).toBe(200);
    const missing = await fetch(`${sim.url}/api/v4/runners/verify`, { method: 'POST', body: new URLSearchParams({}) });
    expect([missing.status, await missing.json()]).toEqual([400, { error: 'token is missing' }]);
  });

  it('resetting the token invalidates the old one', async () => {
    const { id, token } = await admin().Users.createCIRunner('instance_type');
    const reset = await admin().requester.post(`runners/${id}/reset_authentication_token`);
    const fresh = (reset.body as { token: string }).token;
    expect(reset.status).toBe(201);
    expect(fresh).toMatch(/^glrt-/);
    expect(fresh).not.toBe(token);
    expect((await failure(verify(token))).status).toBe(403);
    await expect(verify(fresh)).resolves.toBe('200');
  });
});

describe('runners', () => {
  it('updates, deletes (204) and then answers 404 Runner Not Found', async () => {
    const { id } = await admin().Users.createCIRunner('instance_type', { description: 'a' });
    expect(await admin().Runners.edit(id, { paused: true, tagList: ['x'], description: 'b' })).toMatchObject({
      paused: true,
      active: false,
      tag_list: ['x'],
      description: 'b',
    });
    await expect(admin().Runners.remove({ runnerId: id })).resolves.toBeNull();
    const gone = await failure(admin().Runners.remove({ runnerId: id }));
    expect([gone.status, gone.description]).toEqual([404, '404 Runner Not Found']);
    expect(await raw('DELETE', `runners/${id}`, sim.token)).toEqual([404, { message: '404 Runner Not Found' }]);
    expect((await failure(admin().Runners.show(id))).status).toBe(404);
  });

  it('filters /runners/all by type, paused, status and tags, across pages', async () => {
    for (let i = 0; i < 23; i += 1)
      await admin().Users.createCIRunner('instance_type', { tagList: i % 2 ? ['odd'] : ['even'], paused: i === 4 });
    await admin().Users.createCIRunner('group_type', { groupId: 2, tagList: ['even'] });
    expect(await admin().Runners.all()).toHaveLength(24);
    expect(await admin().Runners.all({ type: 'group_type' })).toHaveLength(1);
    expect(await admin().Runners.all({ tagList: ['odd'] })).toHaveLength(11);
    expect(await admin().Runners.all({ paused: true })).toMatchObject([{ id: 5, paused: true }]);
    expect(await admin().Runners.all({ status: 'never_contacted', type: 'group_type' })).toHaveLength(1);
    expect(await admin().Runners.all({ status: 'online' })).toHaveLength(0);
  });

  it('lists running jobs of a runner', async () => {
    const { id } = await admin().Users.createCIRunner('instance_type');
    const job = sim.addJob(id);
    sim.addJob(id, { status: 'success' });
    expect(await admin().Runners.allJobs(id, { status: 'running' })).toMatchObject([{ id: job.id, status: 'running' }]);
    sim.finishJob(id, job.id);
    expect(await admin().Runners.allJobs(id, { status: 'running' })).toEqual([]);
  });
});

describe('request validation', () => {
  it('refuses a camelCase body that skipped the client (tagList instead of tag_list)', async () => {
    expect(await raw('POST', 'user/runners', sim.token, { runner_type: 'instance_type', tagList: ['a'] })).toEqual([
      400,
      { error: 'tagList is not a parameter of postApiV4UserRunners' },
    ]);
  });

  it('refuses undeclared parameters, wrong types, empty updates and unknown routes', async () => {
    const { id } = await admin().Users.createCIRunner('instance_type');
    const requester = admin().requester;
    const extra = await failure(
      requester.post('user/runners', { body: { runner_type: 'instance_type', flavour: 'x' } }),
    );
    expect([extra.status, extra.description]).toEqual([400, 'flavour is not a parameter of postApiV4UserRunners']);
    const type = await failure(requester.put(`runners/${id}`, { body: { paused: 'maybe' } }));
    expect([type.status, type.description]).toEqual([400, 'paused is invalid']);
    const empty = await failure(requester.put(`runners/${id}`, { body: {} }));
    expect(empty.status).toBe(400);
    expect(empty.description).toMatch(/at least one parameter must be provided$/);
    const id2 = await failure(requester.get('runners/abc'));
    expect([id2.status, id2.description]).toEqual([400, 'id is invalid']);
    const route = await failure(requester.get('runners/1/managers-and-more'));
    expect([route.status, route.description]).toEqual([404, '404 Not Found']);
    expect(await raw('GET', 'runners/1/managers-and-more', sim.token)).toEqual([404, { error: '404 Not Found' }]);
    const method = await failure(requester.patch(`runners/${id}`, { body: { paused: true } }));
    expect(method.status).toBe(404);
  });

  it('injects faults per endpoint', async () => {
    sim.faults.set('GET /api/v4/runners/', { errorRate: 1, status: 503, times: 1 });
    expect((await failure(admin().Runners.show(1))).status).toBe(503);
    expect((await failure(admin().Runners.show(1))).status).toBe(404);
  });
});
