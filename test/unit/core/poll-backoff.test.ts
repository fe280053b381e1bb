import { describe, expect, it } from 'vitest';
import { FIRST_POLL_MS, pollDelay } from '../../../src/core/poll-backoff.ts';

describe('pollDelay', () => {
  it('starts at 10 ms and grows by half each time up to the configured interval, never past it', () => {
    expect(Array.from({ length: 16 }, (_, i) => pollDelay(i, 2000))).toEqual([
      10, 15, 23, 34, 51, 76, 114, 171, 256, 384, 577, 865, 1297, 1946, 2000, 2000,
    ]);
    expect(pollDelay(1000, 2000)).toBe(2000);
  });

  it('never overruns a wait by more than the first pause plus half of what it has waited so far', () => {
    let waited = 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      const pause = pollDelay(attempt, 60_000);
      expect(pause).toBeLessThanOrEqual(FIRST_POLL_MS + waited / 2 + 1);
      waited += pause;
    }
  });

  it('an interval shorter than the first pause is used as is', () => {
    expect(pollDelay(0, 5)).toBe(5);
    expect(FIRST_POLL_MS).toBe(10);
  });
});
