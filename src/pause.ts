/**
 * Waits `ms`, or less when `signal` aborts first; resolves either way. The abort listener goes
 * when the pause ends: retry loops pause hundreds of times on a signal that outlives them all.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
