// `npm run sandbox` as a user runs it: a child process in its own process group (so a Ctrl-C
// reaches it as from a terminal), its printed URL read from stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface SandboxProcess {
  url: string;
  output(): string;
  /** Sends Ctrl-C (SIGINT to the process group); resolves once every process writing to the terminal is gone. */
  interrupt(): Promise<void>;
}

function waitForUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`npm run sandbox printed no URL within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const onData = () => {
      const url = /Sandbox ready: (http\S+)/.exec(output())?.[1];
      if (url) done(undefined, url);
    };
    const onExit = (code: number | null) =>
      done(new Error(`npm run sandbox exited (${code}) before printing its URL:\n${output()}`));
    function done(error?: Error, url?: string) {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(url!);
    }
    child.stdout!.on('data', onData);
    child.on('exit', onExit);
  });
}

export async function startSandboxProcess(
  env: Record<string, string | undefined> = {},
  timeoutMs = 90_000,
): Promise<SandboxProcess> {
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const child = spawn('npm', ['run', 'sandbox'], {
    cwd: REPO,
    env: { ...inherited, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  // npm itself dies of the SIGINT at once; the launcher is gone when the last writer closes the pipe.
  const finished = Promise.all([once(child, 'exit'), once(child.stdout!, 'close'), once(child.stderr!, 'close')]);
  const output = () => text;
  try {
    const url = await waitForUrl(child, output, timeoutMs);
    return {
      url,
      output,
      interrupt: async () => {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGINT');
        await finished;
      },
    };
  } catch (error) {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    throw error;
  }
}
