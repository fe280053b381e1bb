// The real runnerbot (`runnerbot all`) as a child process, its output in a log file; started like
// any install would start it, stopped with SIGTERM as a service manager would.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sleep } from './free-port.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = `${REPO}bin/runnerbot.js`;
const STOP_GRACE_MS = 15_000;

export interface RunnerbotProcess {
  url: string;
  logFile: string;
  /** Whether /healthz answered before the start-up deadline. */
  ready: boolean;
  /** Whether it still runs (the page shows it). */
  running(): boolean;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

const tail = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');

export async function startRunnerbot(options: {
  env: Record<string, string>;
  port: number;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<RunnerbotProcess> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  await once(log, 'open');
  const child = spawn(process.execPath, [BIN, 'all'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...options.env },
    stdio: ['ignore', log, log],
    // Its own process group: Ctrl-C reaches the launcher only, which stops everything in order.
    detached: true,
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const exited = once(child, 'exit');
  const running = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let ready = false;
  while (!(ready = await healthy(url)) && Date.now() < deadline) {
    if (!running())
      throw new Error(
        `runnerbot exited (${child.exitCode ?? child.signalCode}) before answering /healthz; its log (${options.logFile}) ends with:\n${await tail(options.logFile)}`,
      );
    await sleep(100);
  }
  return {
    url,
    logFile: options.logFile,
    ready,
    running,
    stop: async () => {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}
