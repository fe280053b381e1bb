// Retry delays: exponential in the attempt number, capped, with "equal jitter" (half fixed, half
// random) so runs that failed together do not all come back together.

export const BACKOFF_TYPE = 'capped-jitter';

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/** The delay before the retry that follows failed attempt number `attemptsMade` (1-based). */
export function retryDelay(
  attemptsMade: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponential = settings.baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const capped = Math.min(settings.maxMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}
