// Pools: a desired number of runners per profile, named from the profile, kept true by a
// reconciler. This file is the pure part: names, the `PROFILE=N` argument, and what one
// reconciliation should ask for, given what exists.
import { quoteInput } from './command-echo.ts';
import { err, ok, type Result } from './errors.ts';

/** The largest pool `scale` accepts; a typo like `build=300` is refused rather than obeyed. */
export const MAX_POOL_SIZE = 50;

/** `gitlab-runner-build-01`: the prefix, the profile, a two-digit index from 1. */
export function memberName(prefix: string, profile: string, index: number): string {
  return `${prefix}-${profile}-${String(index).padStart(2, '0')}`;
}

/** The index of a pool member's name, or null when the name is not one of this pool's. */
export function memberIndex(prefix: string, profile: string, name: string): number | null {
  const head = `${prefix}-${profile}-`;
  if (!name.startsWith(head)) return null;
  const digits = name.slice(head.length);
  return /^\d{2,3}$/.test(digits) && Number(digits) > 0 ? Number(digits) : null;
}

/** `build=3` -> { profile: 'build', count: 3 }, or what is wrong with it (the profile's existence is the caller's to check). */
export function parseScaleArgument(text: string): Result<{ profile: string; count: number }, string> {
  const match = /^([a-z][a-z0-9-]{0,30})=(\d{1,4})$/.exec(text.trim());
  if (!match) return err(`\`scale\` expects PROFILE=N (like build=3), got ${quoteInput(text)}`);
  const [, profile = '', digits = ''] = match;
  const count = Number(digits);
  if (count > MAX_POOL_SIZE) return err(`a pool holds at most ${MAX_POOL_SIZE} runners, not ${count}`);
  return ok({ profile, count });
}

/** One runner of a pool as the reconciler sees it. */
export interface PoolMember {
  name: string;
  /** When it was provisioned; among equally busy runners, retirements take the oldest first. */
  provisionedAt: number;
  /** Jobs it is running now, when GitLab was asked; retirements take the least busy first. */
  runningJobs?: number;
  /** Set when its VM or its GitLab runner is gone behind runnerbot's back. */
  lost?: 'vm' | 'runner';
}

export interface PoolSnapshot {
  desired: number;
  /** Runners in the fleet record whose names are this pool's, without an active removal. */
  members: PoolMember[];
  /** Names of this pool with a provision or rebuild under way. */
  pending: string[];
  /** Names of this pool being removed (awaiting approval or running). */
  leaving: string[];
}

export interface PoolPlan {
  /** New names to provision, lowest free index first. */
  provision: string[];
  /** Lost members to rebuild under their own name. */
  repair: string[];
  /** Members beyond the desired count, least busy then oldest first: retired only with approval. */
  surplus: string[];
}

/**
 * What one reconciliation asks for. Members with work under way are never touched again; the
 * pool keeps its busiest, then newest, healthy members, rebuilds lost ones it still needs, and
 * lists the rest, least busy and then oldest first, as surplus (retired only with approval, never
 * by the reconciler).
 */
export function planPool(
  snapshot: PoolSnapshot,
  nameOf: (index: number) => string,
  indexOf: (name: string) => number | null,
): PoolPlan {
  const busy = new Set([...snapshot.pending, ...snapshot.leaving]);
  const members = snapshot.members.filter((m) => !busy.has(m.name));
  const needed = Math.max(0, snapshot.desired - snapshot.pending.length);
  const jobs = (m: PoolMember) => m.runningJobs ?? 0;
  const byPreference = [...members].sort(
    (a, b) =>
      Number(Boolean(a.lost)) - Number(Boolean(b.lost)) || jobs(b) - jobs(a) || b.provisionedAt - a.provisionedAt,
  );
  const kept = byPreference.slice(0, needed);
  const surplus = byPreference
    .slice(needed)
    .sort((a, b) => jobs(a) - jobs(b) || a.provisionedAt - b.provisionedAt)
    .map((m) => m.name);
  const taken = new Set([...members.map((m) => m.name), ...busy].map(indexOf).filter((i): i is number => i !== null));
  const provision: string[] = [];
  for (let index = 1; provision.length < needed - kept.length; index++) {
    if (!taken.has(index)) provision.push(nameOf(index));
  }
  return { provision, repair: kept.filter((m) => m.lost).map((m) => m.name), surplus };
}

/** The wait after `failures` failed provisions in a row: doubling from `baseMs`, at most `maxMs`. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return failures <= 0 ? 0 : Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}
