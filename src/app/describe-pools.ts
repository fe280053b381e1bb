// `pools`: each sized pool's desired count against what runnerbot has, and what the reconciler
// last did or why it waits. Reads Redis only: no call to Proxmox or GitLab.
import type { PoolDesire, PoolProgress, PoolStore } from '../core/pool-ports.ts';
import { memberIndex } from '../core/pool.ts';
import type { Fleet, RunStore } from '../core/ports.ts';

export interface DescribePoolsDeps {
  pools: PoolStore;
  fleet: Fleet;
  runs: RunStore;
  poolSettings: { namePrefix: string };
}

export interface PoolView {
  desire: PoolDesire;
  /** Runners of the pool in the fleet record, none of them being removed. */
  inPlace: string[];
  /** Names with a provision or rebuild under way. */
  coming: string[];
  /** Names with a removal awaiting approval or under way. */
  leaving: string[];
  progress: PoolProgress | null;
}

export async function describePools(deps: DescribePoolsDeps): Promise<PoolView[]> {
  const [desires, entries] = await Promise.all([deps.pools.desires(), deps.fleet.list()]);
  const views: PoolView[] = [];
  for (const desire of desires.sort((a, b) => a.profile.localeCompare(b.profile))) {
    const progress = await deps.pools.progress(desire.profile);
    const ours = (name: string) => memberIndex(deps.poolSettings.namePrefix, desire.profile, name) !== null;
    const names = new Set([...entries.map((e) => e.name).filter(ours), ...Object.keys(progress?.requested ?? {})]);
    const view: PoolView = { desire, inPlace: [], coming: [], leaving: [], progress };
    for (const name of [...names].sort()) {
      const active = await deps.runs.activeFor(name);
      if (active?.kind === 'deprovision') view.leaving.push(name);
      else if (active) view.coming.push(name);
      else if (entries.some((e) => e.name === name)) view.inPlace.push(name);
    }
    views.push(view);
  }
  return views;
}
