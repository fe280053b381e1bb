// The RunnerRegistry port on GitLab's REST API through @gitbeaker/rest. Runners are created with
// the current flow (POST /user/runners, a token with the `create_runner` scope), managed with
// `manage_runner`, and found by listing (`read_api`; instance runners need an administrator).
import { permanent } from '../core/errors.ts';
import type { CreateRunnerRequest, GitlabRunner, RunnerRegistry } from '../core/ports.ts';
import { gitlabClient, type GitlabClientConfig } from './gitlab/client.ts';
import type { Attempt } from './gitlab/errors.ts';

export interface GitlabRegistryConfig extends GitlabClientConfig {
  runnerType: 'instance_type' | 'group_type' | 'project_type';
  groupId?: number;
  projectId?: number;
}

interface RunnerDetails {
  id: number;
  description: string | null;
  tag_list?: string[] | null;
  paused: boolean;
  locked?: boolean;
  run_untagged?: boolean;
  status: string;
  online: boolean | null;
  contacted_at?: string | null;
}

function toRunner(r: RunnerDetails): GitlabRunner {
  return {
    id: r.id,
    description: r.description ?? '',
    tagList: r.tag_list ?? [],
    paused: r.paused,
    locked: r.locked ?? false,
    runUntagged: r.run_untagged ?? false,
    status: r.status,
    online: r.online === true,
    contactedAt: r.contacted_at ?? undefined,
  };
}

export function createGitlabRegistry(config: GitlabRegistryConfig): RunnerRegistry {
  const { api, call } = gitlabClient(config);
  const manage = (action: string): Attempt => ({ action, scope: 'manage_runner' });
  const show = (id: number) =>
    call(
      manage(`read runner ${id}`),
      async () => toRunner((await api.Runners.show(id)) as unknown as RunnerDetails),
      () => null,
    );
  const running = (id: number) =>
    call(
      manage(`list the jobs of runner ${id}`),
      () => api.Runners.allJobs(id, { status: 'running' }),
      () => [],
    );

  return {
    async createRunner(req: CreateRunnerRequest) {
      const created = await call({ action: 'create a runner', scope: 'create_runner' }, () =>
        api.Users.createCIRunner(config.runnerType, {
          ...(config.runnerType === 'group_type' ? { groupId: config.groupId } : {}),
          ...(config.runnerType === 'project_type' ? { projectId: config.projectId } : {}),
          description: req.description,
          tagList: req.tagList,
          runUntagged: req.runUntagged,
          locked: req.locked,
          ...(req.maximumTimeout === undefined ? {} : { maximumTimeout: req.maximumTimeout }),
        }),
      );
      return {
        id: created.id,
        token: created.token,
        tokenExpiresAt: expiry((created as { token_expires_at?: unknown }).token_expires_at),
      };
    },

    getRunner: show,

    async findRunnersByDescription(description) {
      const instance = config.runnerType === 'instance_type';
      const attempt = { action: 'list runners', scope: instance ? 'read_api (as an administrator)' : 'read_api' };
      const listed = await call(attempt, () =>
        instance
          ? api.Runners.all({ type: config.runnerType })
          : api.Runners.all({ owned: true, type: config.runnerType }),
      );
      const ids = listed.filter((r) => r.description === description).map((r) => r.id);
      const found = await Promise.all(ids.map(show));
      return found.filter((r): r is GitlabRunner => r !== null);
    },

    async setPaused(id, paused) {
      const done = await call(
        manage(`${paused ? 'pause' : 'unpause'} runner ${id}`),
        () => api.Runners.edit(id, { paused }).then(() => true),
        () => false,
      );
      if (!done) throw permanent('RUNNER.NOT_FOUND', `GitLab runner ${id} does not exist`);
    },

    async setTags(id, tags) {
      const done = await call(
        manage(`set the tags of runner ${id}`),
        () => api.Runners.edit(id, { tagList: tags }).then(() => true),
        () => false,
      );
      if (!done) throw permanent('RUNNER.NOT_FOUND', `GitLab runner ${id} does not exist`);
    },

    async runningJobs(id) {
      return (await running(id)).length;
    },

    async listRunningJobs(id) {
      return (await running(id)).map((job) => ({ id: job.id, name: job.name }));
    },

    async setDescription(id, description) {
      const done = await call(
        manage(`rename runner ${id}`),
        () => api.Runners.edit(id, { description }).then(() => true),
        () => false,
      );
      if (!done) throw permanent('RUNNER.NOT_FOUND', `GitLab runner ${id} does not exist`);
    },

    async deleteRunner(id) {
      await call(
        manage(`delete runner ${id}`),
        () => api.Runners.remove({ runnerId: id }),
        () => null,
      );
    },

    async resetToken(id) {
      // Gitbeaker 43 has no call for POST /runners/:id/reset_authentication_token.
      const reply = await call(manage(`reset the token of runner ${id}`), () =>
        api.requester.post(`runners/${id}/reset_authentication_token`),
      );
      const body = reply.body as { token: string; token_expires_at?: unknown };
      return { token: body.token, tokenExpiresAt: expiry(body.token_expires_at) };
    },
  };
}

/** GitLab's `token_expires_at`: an ISO 8601 time, or null when the instance sets no expiry. */
const expiry = (value: unknown): string | null =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
