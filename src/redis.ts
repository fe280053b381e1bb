// Redis connections, and the start-up check that Redis will not lose runnerbot's data (DESIGN §1).
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { permanent, transient } from './core/errors.ts';
import { connectRedis, describeEndpoint, redactRedisUrl, type RedisEndpoint } from './redis-endpoint.ts';

export { redactRedisUrl, type RedisEndpoint };

export type { Redis };

/** A connection for stores, locks and health; BullMQ's connections are made in src/jobs/redis-connection.ts. */
export interface CreateRedisOptions {
  /** Shown in `CLIENT LIST`. */
  name?: string;
  /** Connection errors are logged once per distinct message until the connection is ready again. */
  logger?: Logger;
}

export function createRedis(endpoint: RedisEndpoint, { name, logger }: CreateRedisOptions = {}): Redis {
  const options: RedisOptions = { connectionName: name };
  const redis = connectRedis(endpoint, options);
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger?.warn({ redis: describeEndpoint(endpoint), error: error.message }, 'redis connection error');
  });
  redis.on('ready', () => {
    lastError = '';
  });
  return redis;
}

function waitReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  if (redis.status === 'wait') redis.connect().catch(() => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onReady = () => done();
    const onError = (error: Error) => done(error);
    function done(error?: Error) {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (error) reject(error);
      else resolve();
    }
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

async function configValue(redis: Redis, key: string): Promise<string | undefined> {
  const reply = (await redis.config('GET', key)) as unknown as string[];
  return reply[1];
}

const CONFIG_UNAVAILABLE = /unknown command|NOPERM|disabled|not allowed|unknown subcommand/i;

export interface RedisCheck {
  /** Things an operator should know but that do not stop runnerbot (e.g. CONFIG is disabled). */
  warnings: string[];
}

/**
 * Refuses a Redis that is unreachable, may evict keys, or does not keep an append-only file.
 * Throws a RunnerbotError whose message says how to fix it.
 */
export async function checkRedis(redis: Redis, endpoint: RedisEndpoint, timeoutMs = 5000): Promise<RedisCheck> {
  const where = describeEndpoint(endpoint);
  try {
    await waitReady(redis, timeoutMs);
    await redis.ping();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw transient(
      'QUEUE.UNAVAILABLE',
      `Redis at ${where} is unreachable (${reason}): start it, or set redis.url / REDIS_URL (or redis.sentinel, redis.cluster) to where it runs`,
      error,
    );
  }
  let policy: string | undefined;
  let appendonly: string | undefined;
  try {
    policy = await configValue(redis, 'maxmemory-policy');
    appendonly = await configValue(redis, 'appendonly');
  } catch (error) {
    if (!CONFIG_UNAVAILABLE.test((error as Error).message)) throw error;
    return {
      warnings: [
        `Redis at ${where} does not allow CONFIG GET (a managed Redis?): make sure it runs with maxmemory-policy noeviction and appendonly yes, or queued jobs can be lost`,
      ],
    };
  }
  const wrong: string[] = [];
  const fixes: string[] = [];
  if (policy !== 'noeviction') {
    wrong.push(`maxmemory-policy is ${policy ?? 'unknown'} (it may evict queued jobs and run records)`);
    fixes.push('redis-cli config set maxmemory-policy noeviction');
  }
  if (appendonly !== 'yes') {
    wrong.push(`appendonly is ${appendonly ?? 'unknown'} (a crash loses the latest writes)`);
    fixes.push('redis-cli config set appendonly yes');
  }
  if (wrong.length === 0) return { warnings: [] };
  throw permanent(
    'CONFIG.INVALID',
    `Redis at ${where} is not safe for runnerbot: ${wrong.join('; ')}. Fix: ${fixes.join(' && ')}, ` +
      `and keep it across restarts with "maxmemory-policy noeviction", "appendonly yes" and "appendfsync everysec" in redis.conf`,
  );
}

/** True when Redis answers PING within `timeoutMs`; never throws. For /healthz. */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((reply) => reply === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
