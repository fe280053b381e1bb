// The real clock and id source, injected into the use cases (the core never reads time or randomness).
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock, Ids } from './core/ports.ts';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
};

/** Run ids sort by creation time and are safe in Redis keys, Slack button values and URLs. */
export const systemIds: Ids = {
  runId: () => `r${Date.now().toString(36)}${randomBytes(5).toString('hex')}`,
};
