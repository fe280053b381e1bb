// One redis-server (or sentinel) process of the test's own, on a free loopback port, in a temp
// directory. Never the shared 127.0.0.1:6379.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { freePort, sleep } from '../../../sandbox/free-port.ts';

export interface RedisProcess {
  port: number;
  address: string;
  /** SIGKILL: no AOF flush, no goodbye to replicas or sentinels. */
  kill(): Promise<void>;
  /** Starts it again with the same arguments (as a service manager would). */
  restart(): Promise<void>;
  running(): boolean;
}

/** Durable settings runnerbot insists on (DESIGN §1). */
export const DURABLE = [
  '--appendonly',
  'yes',
  '--appendfsync',
  'everysec',
  '--maxmemory-policy',
  'noeviction',
  '--save',
  '',
];

export async function startRedisProcess(
  args: (port: number) => string[],
  options: { binary?: 'redis-server' | 'redis-sentinel' } = {},
): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(options.binary ?? 'redis-server', args(port), { stdio: 'ignore' });
    await waitForPing(port);
  };
  await start();
  return {
    port,
    address: `127.0.0.1:${port}`,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    async kill() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGKILL');
      await exited;
    },
    restart: start,
  };
}

export async function waitForPing(port: number, attempts = 200): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      await sleep(25);
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

/** A short-lived direct connection to one process, for set-up and inspection. */
export async function onNode<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
