// `runnerbot scale PROFILE=N` and `runnerbot pools`: the pools from a terminal. The workers'
// reconciler does the provisioning; a scale-down from here queues the retirements at once
// (the terminal is break-glass access, like `runnerbot deprovision`).
import { hostname, userInfo } from 'node:os';
import { describePools, type PoolView } from '../app/describe-pools.ts';
import { scalePool } from '../app/scale-pool.ts';
import { createGitlabRegistry } from '../provisioner/gitlab.ts';
import { parseCommandArgv } from '../core/command.ts';
import type { Env } from '../config.ts';
import { checkRedis, createRedis } from '../redis.ts';
import { redisEndpoint } from '../redis-endpoint.ts';
import { systemClock, systemIds } from '../system.ts';
import { memberIndex } from '../core/pool.ts';
import { confirmDestruction, terminalIo } from './confirm.ts';
import { CliError, loadOrRefuse, scrubFor } from './load.ts';
import { toRequestPolicy } from './request-policy.ts';
import { buildStores } from './stores.ts';

const out = (line: string) => console.log(line);
const silent = { notify: async () => undefined };

function poolLine(view: PoolView): string {
  const { desire, progress } = view;
  const head = `${desire.profile}: ${view.inPlace.length} of ${desire.desired} in place`;
  const coming = view.coming.length ? `, coming ${view.coming.join(' ')}` : '';
  const leaving = view.leaving.length ? `, leaving ${view.leaving.join(' ')}` : '';
  return `${head}${coming}${leaving}\n  ${progress ? progress.note : 'not reconciled yet'}`;
}

export function poolsCommand(kind: 'scale' | 'pools') {
  return async (argv: string[], env: Env): Promise<number> => {
    const yes = argv.includes('--yes');
    const loaded = loadOrRefuse(env, { role: 'worker' });
    const parsed = parseCommandArgv([kind, ...argv.filter((a) => a !== '--yes')], {
      namePattern: loaded.config.runners.namePattern,
    });
    if (!parsed.ok) throw new CliError(`${parsed.error.message}\n${parsed.error.usage}`, 2);
    const { config } = loaded;
    const endpoint = redisEndpoint(config.redis, loaded.secrets);
    const redis = createRedis(endpoint, { name: `runnerbot-cli-${kind}` });
    const stores = buildStores(redis, loaded);
    const scrub = scrubFor(loaded);
    const poolSettings = { namePrefix: config.pools.namePrefix };
    try {
      await checkRedis(redis, endpoint);
      if (parsed.value.kind !== 'scale') {
        const views = await describePools({ ...stores, poolSettings });
        if (views.length === 0) out('no pools yet: runnerbot scale PROFILE=N keeps N runners of a profile');
        for (const view of views) out(scrub(poolLine(view)));
        return 0;
      }
      const { profile, count } = parsed.value;
      const members = (await stores.fleet.list()).filter(
        (e) => memberIndex(config.pools.namePrefix, profile, e.name) !== null,
      ).length;
      if (count < members) {
        await confirmDestruction(
          `shrink to ${count} the pool`,
          profile,
          yes,
          terminalIo(),
          `${members - count} of its runners are drained, then their GitLab runners and VMs destroyed`,
        );
      }
      const requester = { userId: `cli:${userInfo().username}@${hostname()}`, via: 'cli' as const };
      const deps = {
        ...stores,
        poolSettings,
        notifier: silent,
        directory: { groupsOf: async () => [] },
        clock: systemClock,
        ids: systemIds,
        policy: toRequestPolicy(config),
        ...(loaded.secrets.gitlabToken
          ? {
              runnerJobs: createGitlabRegistry({
                url: config.gitlab.url,
                token: loaded.secrets.gitlabToken,
                runnerType: config.gitlab.runnerType,
                requestTimeoutMs: 5_000,
              }),
            }
          : {}),
      };
      const scaled = await scalePool(deps, { profile, count, requester });
      if (!scaled.ok) throw new CliError(scrub(`${scaled.error.code}: ${scaled.error.message}`), 2);
      const { previous, desired, retiring, refused } = scaled.value;
      out(`pool ${profile}: ${previous ?? 'unset'} -> ${desired}`);
      for (const run of retiring) out(`retiring ${run.runner}: run ${run.id} queued`);
      for (const reason of refused) console.error(scrub(`could not retire ${reason}`));
      return refused.length === 0 ? 0 : 1;
    } finally {
      await stores.queue.close();
      redis.disconnect();
    }
  };
}
