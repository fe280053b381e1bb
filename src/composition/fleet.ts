// `runnerbot list` and `runnerbot status NAME [--json]`: the fleet as runnerbot, Proxmox and
// GitLab see it, with any disagreement between them (drift).
import { describeFleet } from '../app/describe-fleet.ts';
import { findDrift } from '../app/runner-drift.ts';
import { parseCommandArgv } from '../core/command.ts';
import type { Env } from '../config.ts';
import { checkRedis, createRedis } from '../redis.ts';
import { fleetJson, fleetTable, runnerDetail, type ViewWithDrift } from './fleet-format.ts';
import { readUpstream } from '../app/fleet-view.ts';
import { systemClock } from '../system.ts';
import { redisEndpoint } from '../redis-endpoint.ts';
import { CliError, loadOrRefuse, scrubFor } from './load.ts';
import { buildStepDeps } from './provisioning.ts';
import { buildStores } from './stores.ts';

const out = (line: string) => console.log(line);

export function fleetCommand(kind: 'list' | 'status') {
  return async (argv: string[], env: Env): Promise<number> => {
    const json = argv.includes('--json');
    const loaded = loadOrRefuse(env, { role: 'worker' });
    const parsed = parseCommandArgv([kind, ...argv.filter((a) => a !== '--json')], {
      namePattern: loaded.config.runners.namePattern,
    });
    if (!parsed.ok) throw new CliError(`${parsed.error.message}\n${parsed.error.usage}`, 2);
    const name = parsed.value.kind === 'status' ? parsed.value.name : undefined;
    const endpoint = redisEndpoint(loaded.config.redis, loaded.secrets);
    const redis = createRedis(endpoint, { name: `runnerbot-cli-${kind}` });
    const stores = buildStores(redis, loaded);
    try {
      await checkRedis(redis, endpoint);
      const { hypervisor, registry } = buildStepDeps(loaded, stores);
      // A terminal asks at human rate: Proxmox and GitLab now, not the bots' shared view.
      const reads = { fleet: stores.fleet, runs: stores.runs, hypervisor, registry, clock: systemClock };
      const description = await describeFleet({ ...reads, upstream: () => readUpstream(reads) }, name ? { name } : {});
      const views: ViewWithDrift[] = await Promise.all(
        description.runners.map(async (view) => {
          const vmPresent = view.vm === undefined ? undefined : view.vm !== null;
          return { ...view, drift: await findDrift({ runs: stores.runs, hypervisor }, { ...view, vmPresent }) };
        }),
      );
      const scrub = scrubFor(loaded);
      const now = Date.now();
      if (json) out(scrub(fleetJson(views, description.problems)));
      else if (views.length === 0) out('runnerbot manages no runners yet');
      else if (name) for (const view of views) for (const line of runnerDetail(view, now)) out(scrub(line));
      else for (const line of fleetTable(views, now)) out(scrub(line));
      for (const problem of description.problems) console.error(scrub(`warning: ${problem}`));
      return 0;
    } finally {
      await stores.queue.close();
      redis.disconnect();
    }
  };
}
