// Coordination between workers on Redis: VMID claims, and a counting semaphore of clone slots per
// Proxmox node. A slot lasts as long as its holder's lease (the run's runner lock), so a crashed
// holder's slot is freed by the next run that finds the lease gone.
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

// KEYS: slots, leases. ARGV: run id, slots, ttl ms, run key prefix, runner lock key prefix.
// A slot's lease is its holder's runner lock: the fencing token the run held when it took the
// slot. Whoever finds that token gone from the lock (the holder crashed and its lock lapsed, or
// the run resumed elsewhere under a new token) frees the slot at once. The expiry score is only
// the backstop for a holder without a lock. The run and lock keys read here share the prefix
// (and so the hash slot) of KEYS.
const takeSlot = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function lease(id)
  local runner = redis.call('HGET', ARGV[4] .. id, 'runner')
  if not runner then return false end
  return redis.call('GET', ARGV[5] .. cjson.decode(runner))
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local held = redis.call('HGET', KEYS[2], id)
  if held and held ~= '' and held ~= lease(id) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
  end
end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], lease(ARGV[1]) or '')
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
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
      const leases = keys.cloneSlotLeases(node);
      const tryTake = async () =>
        (await takeSlot(
          redis,
          [key, leases],
          [runId, options.clonesPerNode, slotTtlMs, keys.run(''), keys.runnerLock('')],
        )) === 1;
      while (!(await tryTake())) {
        if (signal?.aborted) throw transient('STEP.TRANSIENT', `gave up waiting for a clone slot on ${node}`);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      const renewal = setInterval(() => void tryTake().catch(() => undefined), Math.floor(slotTtlMs / 3));
      renewal.unref();
      return async () => {
        clearInterval(renewal);
        await redis.multi().zrem(key, runId).hdel(leases, runId).exec();
      };
    },
  };
}
