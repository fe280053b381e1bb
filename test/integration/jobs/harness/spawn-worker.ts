// Starts worker processes for crash and shutdown tests, and follows the events they print.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WorkerProcessConfig } from './worker-config.ts';

export interface WorkerEvent {
  event: string;
  pid: number;
  [field: string]: unknown;
}

export interface WorkerProcess {
  pid: number;
  events: WorkerEvent[];
  /** Resolves with the first event (already seen or still to come) that matches. */
  waitFor(match: (event: WorkerEvent) => boolean, timeoutMs?: number): Promise<WorkerEvent>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export function writeWorkerConfig(dir: string, name: string, config: WorkerProcessConfig): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Starts `worker-process.ts` with the given config file; resolves once the worker is ready. */
export async function startWorkerProcess(configPath: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, configPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: WorkerEvent[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    events.push(JSON.parse(line) as WorkerEvent);
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const waitFor = (match: (event: WorkerEvent) => boolean, timeoutMs = 30_000) =>
    new Promise<WorkerEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find(match);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`worker ${child.pid} printed no matching event; saw: ${events.map((e) => e.event).join(', ')}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const worker: WorkerProcess = { pid: child.pid!, events, waitFor, kill: (signal) => child.kill(signal), exited };
  await Promise.race([
    waitFor((e) => e.event === 'ready'),
    exited.then(() => Promise.reject(new Error('worker process exited before it was ready'))),
  ]);
  return worker;
}
