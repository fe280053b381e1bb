// `runnerbot worker` as a real child process (bin/runnerbot.js, as an install starts it), its pino
// log lines kept in memory so a test can tell which process did what.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const BIN = new URL('../../../bin/runnerbot.js', import.meta.url).pathname;

export interface LogLine {
  msg?: string;
  runId?: string;
  step?: string;
  [field: string]: unknown;
}

export interface WorkerProcess {
  name: string;
  pid: number;
  lines: LogLine[];
  /** Resolves with the first log line (already written or still to come) that matches. */
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
}

export async function startWorkerProcess(name: string, env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    if (!text.startsWith('{')) return;
    lines.push(JSON.parse(text) as LogLine);
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const running = () => child.exitCode === null && child.signalCode === null;

  const waitForLog = (match: (line: LogLine) => boolean, what: string, timeoutMs = 60_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (found) finish(() => resolve(found));
        else if (!running())
          finish(() =>
            reject(new Error(`worker ${name} exited before logging ${what}; stderr: ${stderr.join('').slice(-2000)}`)),
          );
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(
                `worker ${name} did not log ${what}; last lines: ${lines
                  .slice(-5)
                  .map((l) => l.msg)
                  .join(' | ')}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      void exited.then(check);
      check();
    });

  const worker: WorkerProcess = {
    name,
    pid: child.pid!,
    lines,
    waitForLog,
    kill: (signal) => child.kill(signal),
    exited,
    running,
  };
  await waitForLog((line) => line.msg === 'runnerbot started', 'that it started');
  return worker;
}

/** Waits for the process to log the end of this run (the run record is final a moment before). */
export const loggedRunEnd = (worker: WorkerProcess, runId: string): Promise<LogLine> =>
  worker.waitForLog((line) => line.msg === 'run-finished' && line.runId === runId, `the end of run ${runId}`);

/** Whether the process logged the end of this run (its log notifier's run-finished line). */
export const finishedRun = (worker: WorkerProcess, runId: string): boolean =>
  worker.lines.some((line) => line.msg === 'run-finished' && line.runId === runId);

/** The steps this process finished for the run, in order. */
export const stepsFinishedBy = (worker: WorkerProcess, runId: string): string[] =>
  worker.lines.filter((line) => line.msg === 'step-finished' && line.runId === runId).map((line) => String(line.step));
