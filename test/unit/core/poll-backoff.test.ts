import { describe, expect, it } from 'vitest';
import { FIRST_POLL_MS, pollDelay } from '../../../src/core/poll-backoff.ts';

describe('pollDelay', () => {
  it('starts at 50 ms and doubles up to the configured interval, never past it', () => {
    expect(Array.from({ length: 8 }, (_, i) => pollDelay(i, 2000))).toEqual([50, 100, 200, 400, 800, 1600, 2000, 2000]);
    expect(pollDelay(1000, 2000)).toBe(2000);
  });

  it('an interval shorter than the first pause is used as is', () => {
    expect(pollDelay(0, 10)).toBe(10);
    expect(FIRST_POLL_MS).toBe(50);
  });
});
