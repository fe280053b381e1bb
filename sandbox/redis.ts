// Redis for the sandbox: the one at REDIS_URL when it answers, else a private redis-server with
// the settings runnerbot requires (AOF, noeviction), its data in the sandbox's temp dir.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, sleep } from './free-port.ts';

export interface SandboxRedis {
  url: string;
  /** Where it came from, for the banner. */
  origin: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function startRedisServer(dir: string): Promise<SandboxRedis> {
  const port = await freePort();
  const dataDir = join(dir, 'redis');
  await mkdir(dataDir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore', detached: true },
  );
  process.once('exit', () => child.kill('SIGKILL'));
  const exited = once(child, 'exit');
  const url = `redis://127.0.0.1:${port}`;
  while (!(await answers(url))) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited with ${child.exitCode} before answering on ${url}`);
    await sleep(50);
  }
  return {
    url,
    origin: `its own redis-server on port ${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** `canStart`: whether redis-server is installed; `dir` holds its data. */
export async function provideRedis(envUrl: string | undefined, canStart: boolean, dir: string): Promise<SandboxRedis> {
  if (envUrl && (await answers(envUrl))) return { url: envUrl, origin: 'REDIS_URL', stop: async () => undefined };
  if (!canStart) {
    throw new Error(
      envUrl
        ? `REDIS_URL does not answer and redis-server is not installed`
        : 'REDIS_URL is not set and redis-server is not installed (apt-get install redis-server)',
    );
  }
  return startRedisServer(dir);
}

/** Removes what the sandbox wrote to a Redis it does not own (every key under its prefix). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
