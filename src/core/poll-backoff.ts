// How long to wait before the next poll of something that usually finishes fast (a Proxmox task,
// a config lock, a guest agent): 10 ms, then half as long again each time up to the configured
// interval. A 30 ms task costs ~40 ms instead of a whole interval, and a wait never overruns by
// more than 10 ms plus half of what it has waited so far; a long one is still asked at most once per
// interval once the pause reaches it (after ~6 s and 13 polls with the example's 2 s).
export const FIRST_POLL_MS = 10;
const POLL_GROWTH = 1.5;

/** The pause after the `attempt`-th poll (0-based), never above `ceilingMs`. */
export function pollDelay(attempt: number, ceilingMs: number): number {
  return Math.min(ceilingMs, Math.round(FIRST_POLL_MS * POLL_GROWTH ** Math.min(attempt, 60)));
}
