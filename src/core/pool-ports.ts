// The store behind pools: what people asked for (the desired count) and what the reconciler last
// did (kept apart, so a `scale` and a reconciliation never overwrite each other).

export interface PoolDesire {
  profile: string;
  desired: number;
  /** Who asked: a Slack user id or `cli:<user>`. */
  setBy: string;
  setAt: number;
}

export interface PoolProgress {
  profile: string;
  /** Provisions and rebuilds the reconciler asked for and has not seen end: runner name -> run id. */
  requested: Record<string, string>;
  /** Failed provisions in a row; the next waits `retryDelayMs(failures)` after the last. */
  failures: number;
  retryAt?: number;
  lastError?: { runner: string; code: string; message: string; step?: string };
  /** One sentence: what the reconciler did or why it waits. */
  note: string;
  reconciledAt: number;
}

export interface PoolStore {
  setDesired(desire: PoolDesire): Promise<void>;
  desires(): Promise<PoolDesire[]>;
  progress(profile: string): Promise<PoolProgress | null>;
  saveProgress(progress: PoolProgress): Promise<void>;
  /** Takes the reconciler's lease for `ttlMs`; false when another process holds it. */
  lease(holder: string, ttlMs: number): Promise<boolean>;
}
