// `pools`: each sized pool's desired count against what runnerbot has, and what the reconciler
// last did or why it waits. Reads Redis only: no call to Proxmox or GitLab.
import type { PoolDesire, PoolProgress, PoolStore } from '../core/pool-ports.ts';
import { readPoolState } from './pool-snapshot.ts';
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
    const state = await readPoolState(deps, deps.poolSettings.namePrefix, desire.profile, desire.desired, entries);
    const busy = new Set([...state.pending, ...state.leaving]);
    const inPlace = state.entries.map((e) => e.name).filter((name) => !busy.has(name));
    views.push({ desire, inPlace, coming: state.pending, leaving: state.leaving, progress: state.progress });
  }
  return views;
}
