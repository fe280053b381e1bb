// The managed fleet on Redis: one hash, runner name -> JSON entry.
import type { Redis } from 'ioredis';
import type { Fleet, FleetEntry } from '../core/ports.ts';
import { redisKeys } from './redis-keys.ts';

export function createRedisFleet(redis: Redis, prefix: string): Fleet {
  const key = redisKeys(prefix).fleet;
  return {
    async upsert(entry) {
      await redis.hset(key, entry.name, JSON.stringify(entry));
    },
    async remove(name) {
      await redis.hdel(key, name);
    },
    async list() {
      const all = await redis.hgetall(key);
      return Object.values(all)
        .map((json) => JSON.parse(json) as FleetEntry)
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async get(name) {
      const json = await redis.hget(key, name);
      return json ? (JSON.parse(json) as FleetEntry) : null;
    },
  };
}
