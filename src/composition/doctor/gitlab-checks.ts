// The GitLab half of `runnerbot doctor`: the token works, and may create and delete runners of
// the configured type in the configured group or project — proven by creating a paused, locked
// probe runner and deleting it again (GitLab has no dry run for POST /user/runners).
import type { RunnerRegistry } from '../../core/ports.ts';
import { attempt, pass, type CheckResult } from './check.ts';

export const PROBE_DESCRIPTION = 'runnerbot-doctor-probe';

export async function gitlabChecks(
  registry: RunnerRegistry,
  where: { url: string; runnerType: string; target: string },
): Promise<CheckResult[]> {
  const reach = await attempt(
    'gitlab',
    `check gitlab.url and GITLAB_TOKEN (a token with the create_runner and manage_runner scopes)`,
    async () => {
      for (const stale of await registry.findRunnersByDescription(PROBE_DESCRIPTION))
        await registry.deleteRunner(stale.id);
      return pass('gitlab', `reachable at ${where.url}, the token may read runners`);
    },
  );
  if (!reach[0]!.ok) return reach;
  const create = await attempt(
    'gitlab runners',
    `give GITLAB_TOKEN the create_runner and manage_runner scopes, and check gitlab.runnerType, gitlab.groupId and gitlab.projectId`,
    async () => {
      const probe = await registry.createRunner({
        description: PROBE_DESCRIPTION,
        tagList: ['runnerbot-doctor'],
        runUntagged: false,
        locked: true,
      });
      await registry.deleteRunner(probe.id);
      return pass(
        'gitlab runners',
        `the token created and deleted a probe ${where.runnerType} runner (#${probe.id}) ${where.target}`,
      );
    },
  );
  return [...reach, ...create];
}
