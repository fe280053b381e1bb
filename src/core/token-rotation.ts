// When a runner's authentication token is due for rotation: every `rotation.everyDays` (when set),
// and always `rotation.marginDays` before GitLab's `token_expires_at`, so a token never lapses
// while the runner is busy. Pure: the schedule's chore asks this with the fleet's records and now.
import type { FleetEntry } from './ports.ts';

export interface RotationPolicy {
  /** Rotate tokens older than this; undefined: only before expiry. */
  everyDays?: number;
  /** Rotate this long before the token expires. */
  marginDays: number;
}

export type RotationReason = 'age' | 'expiry';

export interface DueRotation {
  runner: string;
  reason: RotationReason;
  /** What to say in the channel and the audit trail. */
  why: string;
}

const DAY_MS = 24 * 3600_000;

/** The token's age and expiry as the record knows them; a record from before rotation counts from its provision. */
export function tokenTimes(entry: FleetEntry): { obtainedAt: number; expiresAt: number | null } {
  const expires = entry.tokenExpiresAt ? Date.parse(entry.tokenExpiresAt) : NaN;
  return {
    obtainedAt: entry.tokenObtainedAt ?? entry.provisionedAt,
    expiresAt: Number.isNaN(expires) ? null : expires,
  };
}

const days = (ms: number) => `${Math.floor(ms / DAY_MS)} d`;

/** Why the runner's token must be rotated now, or null when it need not. */
export function rotationDue(entry: FleetEntry, policy: RotationPolicy, now: number): DueRotation | null {
  const { obtainedAt, expiresAt } = tokenTimes(entry);
  if (expiresAt !== null && now >= expiresAt - policy.marginDays * DAY_MS) {
    const left = expiresAt - now;
    const when = left <= 0 ? `expired ${days(-left)} ago` : `expires in ${days(left)}`;
    return { runner: entry.name, reason: 'expiry', why: `its token ${when} (margin ${policy.marginDays} d)` };
  }
  if (policy.everyDays !== undefined && now - obtainedAt >= policy.everyDays * DAY_MS) {
    return {
      runner: entry.name,
      reason: 'age',
      why: `its token is ${days(now - obtainedAt)} old (rotation every ${policy.everyDays} d)`,
    };
  }
  return null;
}

/** The runners whose tokens are due, soonest expiry first, then oldest token first. */
export function dueRotations(entries: readonly FleetEntry[], policy: RotationPolicy, now: number): DueRotation[] {
  const urgency = (e: FleetEntry) => tokenTimes(e).expiresAt ?? Number.MAX_SAFE_INTEGER;
  return [...entries]
    .sort((a, b) => urgency(a) - urgency(b) || tokenTimes(a).obtainedAt - tokenTimes(b).obtainedAt)
    .map((e) => rotationDue(e, policy, now))
    .filter((d): d is DueRotation => d !== null);
}

/** What `rotate-token --all` records for a runner whose rotation ended well; anything else says why not. */
export const ROTATED = 'rotated';

/** A fleet rotation's record split into the runners rotated and those that failed (with why). */
export function rotationResults(rotations: Record<string, string> = {}): {
  rotated: string[];
  failed: [runner: string, why: string][];
} {
  const entries = Object.entries(rotations).sort(([a], [b]) => a.localeCompare(b));
  return {
    rotated: entries.filter(([, r]) => r === ROTATED).map(([name]) => name),
    failed: entries.filter(([, r]) => r !== ROTATED),
  };
}

function span(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  if (s < 2 * 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

/** "obtained 12 d ago, expires in 78 d": the token's age and expiry for `status` and `list` (never the token). */
export function describeToken(entry: FleetEntry, now: number): string {
  const { obtainedAt, expiresAt } = tokenTimes(entry);
  const age = now - obtainedAt < 1000 ? 'obtained just now' : `obtained ${span(now - obtainedAt)} ago`;
  const at = entry.tokenObtainedAt === undefined ? ' (at provision)' : '';
  const expiry =
    expiresAt !== null
      ? expiresAt > now
        ? `expires in ${span(expiresAt - now)}`
        : `expired ${span(now - expiresAt)} ago`
      : entry.tokenExpiresAt === null
        ? 'never expires'
        : 'expiry unknown';
  return `${age}${at}, ${expiry}`;
}
