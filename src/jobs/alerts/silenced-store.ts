// The silenced groups on Redis: each silence as JSON (kept a while past its end, so the message can
// say it ended), a sorted set of the groups being watched by when their next check is due, and the
// lease of the one worker that checks them.
import type { Redis } from 'ioredis';
import type { GroupSilence, SilencedGroups } from '../../core/alerts/ports.ts';
import { ALERT_STATE_TTL_SECONDS, alertKeys } from './keys.ts';

export function createRedisSilencedGroups(redis: Redis, prefix: string): SilencedGroups {
  const keys = alertKeys(prefix);
  return {
    async put(groupKey, silence, checkAt) {
      await redis
        .multi()
        .set(keys.silence(groupKey), JSON.stringify(silence), 'EX', ALERT_STATE_TTL_SECONDS)
        .zadd(keys.silenced, checkAt, groupKey)
        .exec();
    },
    async get(groupKey) {
      const json = await redis.get(keys.silence(groupKey));
      return json ? (JSON.parse(json) as GroupSilence) : null;
    },
    async due(now, limit) {
      return redis.zrangebyscore(keys.silenced, '-inf', now, 'LIMIT', 0, limit);
    },
    async reschedule(groupKey, checkAt) {
      await redis.zadd(keys.silenced, 'XX', checkAt, groupKey);
    },
    async unwatch(groupKey) {
      await redis.zrem(keys.silenced, groupKey);
    },
    async remove(groupKey) {
      await redis.multi().del(keys.silence(groupKey)).zrem(keys.silenced, groupKey).exec();
    },
    async lease(holder, ttlMs) {
      const taken = await redis.set(keys.silenceLease, holder, 'PX', ttlMs, 'NX');
      if (taken === 'OK') return true;
      if ((await redis.get(keys.silenceLease)) !== holder) return false;
      await redis.pexpire(keys.silenceLease, ttlMs);
      return true;
    },
  };
}
