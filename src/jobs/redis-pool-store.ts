// Pools on Redis: two hashes (profile -> JSON), one for what people asked and one for what the
// reconciler did, and a lease key so one worker reconciles at a time.
import type { Redis } from 'ioredis';
import type { PoolDesire, PoolProgress, PoolStore } from '../core/pool-ports.ts';
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
    async lease(holder, ttlMs) {
      // Taken when free, renewed when this holder has it; a crashed holder's lease lapses by itself.
      const taken = await redis.set(keys.poolLease, holder, 'PX', ttlMs, 'NX');
      if (taken === 'OK') return true;
      if ((await redis.get(keys.poolLease)) !== holder) return false;
      await redis.pexpire(keys.poolLease, ttlMs);
      return true;
    },
  };
}
