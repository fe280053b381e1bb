// The shared upstream view of the fleet on Redis: one JSON value, and a claim key that lets one
// reader among all bot processes refresh it (SET NX PX: a crashed reader's claim expires).
import type { Redis } from 'ioredis';
import type { UpstreamView, UpstreamViewStore } from '../core/fleet-view.ts';
import { redisKeys } from './redis-keys.ts';

/** Long past any refresh interval: only bounds what a stopped install leaves behind. */
const VIEW_TTL_MS = 10 * 60_000;

export function createRedisUpstreamViewStore(redis: Redis, prefix: string): UpstreamViewStore {
  const key = `${redisKeys(prefix).fleet}:upstream-view`;
  const claimKey = `${key}:refresh`;
  return {
    async read() {
      const json = await redis.get(key);
      return json ? (JSON.parse(json) as UpstreamView) : null;
    },
    async claim(ttlMs) {
      return (await redis.set(claimKey, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    async publish(view) {
      await redis.set(key, JSON.stringify(view), 'PX', VIEW_TTL_MS);
      await redis.del(claimKey);
    },
  };
}
