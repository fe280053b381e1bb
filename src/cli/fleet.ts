// `runnerbot list` and `runnerbot status NAME`: the fleet as runnerbot, Proxmox and GitLab see it.
import { describeFleet, type RunnerView } from '../app/describe-fleet.ts';
import { readUpstream } from '../app/fleet-view.ts';
import { parseCommandArgv } from '../core/command.ts';
import type { Env } from '../config.ts';
import { checkRedis, createRedis } from '../redis.ts';
import { systemClock } from '../system.ts';
import { redisEndpoint } from '../redis-endpoint.ts';
import { CliError, loadOrRefuse, scrubFor } from './load.ts';
import { buildStepDeps } from './provisioning.ts';
import { buildStores } from './stores.ts';

const out = (line: string) => console.log(line);

function describe(view: RunnerView): string {
  const vm = view.vm === undefined ? 'VM unknown' : view.vm === null ? 'no VM' : `VM ${view.vm.vmid} on ${view.vm.node} (${view.vm.status})`;
  const ip = view.entry?.ip ? ` ${view.entry.ip}` : '';
  const g = view.gitlab;
  const gitlab = g === undefined ? 'GitLab unknown' : g === null ? 'no GitLab runner' : `runner #${g.id} ${g.paused ? 'paused' : g.online ? 'online' : g.status}, last contact ${g.contactedAt ?? 'never'}`;
  const run = view.lastRun ? `last run ${view.lastRun.kind} ${view.lastRun.status} (${view.lastRun.id})` : 'no runs';
  return `${view.name}  ${vm}${ip}  ${gitlab}  ${run}`;
}

export function fleetCommand(kind: 'list' | 'status') {
  return async (argv: string[], env: Env): Promise<number> => {
    const loaded = loadOrRefuse(env, { role: 'worker' });
    const parsed = parseCommandArgv([kind, ...argv], { namePattern: loaded.config.runners.namePattern });
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
      const scrub = scrubFor(loaded);
      if (description.runners.length === 0) out('runnerbot manages no runners yet');
      for (const view of description.runners) out(scrub(describe(view)));
      for (const problem of description.problems) console.error(scrub(`warning: ${problem}`));
      return 0;
    } finally {
      await stores.queue.close();
      redis.disconnect();
    }
  };
}
