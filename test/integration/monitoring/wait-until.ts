// Polls for a state that an external process reaches on its own schedule (a scrape, a refresh).
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves with the first value `probe` returns other than undefined; throws after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await sleep(200);
  }
}
