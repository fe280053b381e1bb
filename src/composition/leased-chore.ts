// A chore every worker runs on a period, done by whichever worker holds its Redis lease: a worker
// that dies loses the lease within two periods and another takes over. A tick never overlaps the
// one before, and a tick that fails is simply done again at the next period.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';

export interface Chore {
  stop(): void;
}

export interface ChoreOptions {
  periodMs: number;
  /** Takes or renews the lease for `holder` for `ttlMs`; false when another worker holds it. */
  lease(holder: string, ttlMs: number): Promise<boolean>;
  /** One tick's work, done only while this worker holds the lease. */
  run(): Promise<void>;
  /** What failed, for the log: "pool reconciliation". */
  what: string;
}

export function startLeasedChore(options: ChoreOptions, logger: Logger): Chore {
  const holder = randomUUID();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      if (await options.lease(holder, options.periodMs * 2)) await options.run();
    } catch (err) {
      logger.warn({ err }, `${options.what} failed; it runs again at the next period`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.periodMs);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
