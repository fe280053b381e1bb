import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { pause } from '../../src/pause.ts';

describe('pause', () => {
  it('leaves no listener on a long-lived signal however many pauses end on their own', async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < 20; i++) await pause(0, signal);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('ends at once when the signal aborts, and at once when it had already aborted', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const waiting = pause(60_000, stop.signal);
    stop.abort();
    await waiting;
    await pause(60_000, stop.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
