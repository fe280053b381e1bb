// A pool as it stands: its runners in the fleet record, and which of its names have a provision
// or rebuild under way (pending) or a removal (leaving). Shared by `scale` and the reconciler so
// that both count the same runners.
import type { PoolProgress, PoolStore } from '../core/pool-ports.ts';
import { memberIndex, memberName } from '../core/pool.ts';
import type { Fleet, FleetEntry, RunStore } from '../core/ports.ts';

export interface PoolSnapshotDeps {
  fleet: Fleet;
  runs: RunStore;
  pools: PoolStore;
}

export interface PoolState {
  /** The pool's runners in the fleet record, with or without work under way. */
  entries: FleetEntry[];
  pending: string[];
  leaving: string[];
  progress: PoolProgress | null;
}

/** `upTo`: the names with indexes 1..upTo are looked at even without a fleet record (a first provision under way). */
export async function readPoolState(
  deps: PoolSnapshotDeps,
  namePrefix: string,
  profile: string,
  upTo: number,
  entries?: FleetEntry[],
): Promise<PoolState> {
  const ours = (entries ?? (await deps.fleet.list())).filter((e) => memberIndex(namePrefix, profile, e.name) !== null);
  const progress = await deps.pools.progress(profile);
  const names = new Set([...ours.map((e) => e.name), ...Object.keys(progress?.requested ?? {})]);
  for (let i = 1; i <= upTo; i++) names.add(memberName(namePrefix, profile, i));
  const pending: string[] = [];
  const leaving: string[] = [];
  for (const name of [...names].sort()) {
    const active = await deps.runs.activeFor(name);
    if (active) (active.kind === 'deprovision' ? leaving : pending).push(name);
  }
  return { entries: ours, pending, leaving, progress };
}
