import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../../src/jobs/backoff.ts';

const settings = { baseMs: 1_000, maxMs: 10_000 };

describe('retryDelay', () => {
  it('doubles with each attempt, between half and all of the exponential delay', () => {
    expect([1, 2, 3].map((n) => retryDelay(n, settings, () => 0))).toEqual([500, 1_000, 2_000]);
    expect([1, 2, 3].map((n) => retryDelay(n, settings, () => 1))).toEqual([1_000, 2_000, 4_000]);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(retryDelay(5, settings, () => 1)).toBe(10_000);
    expect(retryDelay(60, settings, () => 1)).toBe(10_000);
    expect(retryDelay(60, settings, () => 0)).toBe(5_000);
  });

  it('spreads retries of runs that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, (_, i) => retryDelay(3, settings, () => i / 20)));
    expect(delays.size).toBe(20);
  });
});
