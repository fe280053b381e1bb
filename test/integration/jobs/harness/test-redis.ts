// Each test gets its own key prefix on the machine's Redis, removed afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';

export const REDIS_URL = process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const testPrefix = (): string => `rbt-${randomBytes(6).toString('hex')}`;

export function connectTestRedis(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2 });
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A fresh connection and prefix for each test, handed to `use`, cleaned up after it. */
export function withTestRedis(use: (redis: Redis, prefix: string) => void): void {
  let redis: Redis;
  let prefix: string;
  beforeEach(() => {
    redis = connectTestRedis();
    prefix = testPrefix();
    use(redis, prefix);
  });
  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });
}
