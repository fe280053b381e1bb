// Coordination between workers on Redis: VMID claims, and a counting semaphore of clone slots per
// Proxmox node. A slot is a sorted-set member scored by its expiry and renewed while held, so a
// crashed holder's slot frees itself.
import type { Redis } from 'ioredis';
import { transient } from '../core/errors.ts';
import type { Coordination } from '../core/ports.ts';
import { luaScript } from '../lua.ts';
import { redisKeys } from './redis-keys.ts';

// KEYS: claim. ARGV: run id, ttl ms.
const claim = luaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`);

// KEYS: slots. ARGV: run id, slots, ttl ms. Uses Redis' clock so every host agrees on expiry.
const takeSlot = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`);

export interface RedisCoordinationOptions {
  clonesPerNode: number;
  vmidClaimTtlMs?: number;
  slotTtlMs?: number;
  pollMs?: number;
}

export function createRedisCoordination(redis: Redis, prefix: string, options: RedisCoordinationOptions): Coordination {
  const keys = redisKeys(prefix);
  const slotTtlMs = options.slotTtlMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;

  return {
    async claimVmid(vmid, runId) {
      return (await claim(redis, [keys.vmidClaim(vmid)], [runId, options.vmidClaimTtlMs ?? 3600_000])) === 1;
    },
    async acquireCloneSlot(node, runId, signal) {
      const key = keys.cloneSlots(node);
      const tryTake = async () => (await takeSlot(redis, [key], [runId, options.clonesPerNode, slotTtlMs])) === 1;
      while (!(await tryTake())) {
        if (signal?.aborted) throw transient('STEP.TRANSIENT', `gave up waiting for a clone slot on ${node}`);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      const renewal = setInterval(() => void tryTake().catch(() => undefined), Math.floor(slotTtlMs / 3));
      renewal.unref();
      return async () => {
        clearInterval(renewal);
        await redis.zrem(key, runId);
      };
    },
  };
}
