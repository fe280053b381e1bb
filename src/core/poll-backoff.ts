// How long to wait before the next poll of something that usually finishes fast (a Proxmox task,
// a config lock, a guest agent): 50 ms, then doubling up to the configured interval. A 30 ms task
// costs ~50 ms instead of a whole interval; a long one is still asked at most once per interval.
export const FIRST_POLL_MS = 50;

/** The pause after the `attempt`-th poll (0-based), never above `ceilingMs`. */
export function pollDelay(attempt: number, ceilingMs: number): number {
  return Math.min(ceilingMs, FIRST_POLL_MS * 2 ** Math.min(attempt, 30));
}
