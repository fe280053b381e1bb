// A module of ours on a thread of its own (its own event loop). From the TypeScript sources (tsx,
// vitest) the thread registers tsx before importing it; from dist/ it imports the .js directly.
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';

/** `sibling('alert-intake-thread', import.meta.url)`: the module next to the caller, .ts or .js like it. */
export const sibling = (name: string, callerUrl: string): URL =>
  new URL(`./${name}${extname(new URL(callerUrl).pathname)}`, callerUrl);

export function startThread(module: URL, workerData: unknown): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData });
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
