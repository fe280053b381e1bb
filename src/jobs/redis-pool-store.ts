// Pools on Redis: two hashes (profile -> JSON), one for what people asked and one for what the
// reconciler did, and a lease key so one worker reconciles at a time.
import type { Redis } from 'ioredis';
import type { PoolDesire, PoolProgress, PoolStore } from '../core/pool-ports.ts';
import { takeLease } from './lease.ts';
import { redisKeys } from './redis-keys.ts';

export function createRedisPoolStore(redis: Redis, prefix: string): PoolStore {
  const keys = redisKeys(prefix);
  return {
    async setDesired(desire) {
      await redis.hset(keys.poolDesires, desire.profile, JSON.stringify(desire));
    },
    async desires() {
      return Object.values(await redis.hgetall(keys.poolDesires)).map((json) => JSON.parse(json) as PoolDesire);
    },
    async progress(profile) {
      const json = await redis.hget(keys.poolProgress, profile);
      return json ? (JSON.parse(json) as PoolProgress) : null;
    },
    async saveProgress(progress) {
      await redis.hset(keys.poolProgress, progress.profile, JSON.stringify(progress));
    },
    lease: (holder, ttlMs) => takeLease(redis, keys.poolLease, holder, ttlMs),
  };
}
