// The per-runner lock with a fencing token: whoever takes the lock gets a token larger than any
// before it, so a holder that paused past its expiry can tell it has been replaced.
import type { Redis } from 'ioredis';
import { transient } from '../core/errors.ts';
import type { RunnerLock } from '../core/ports.ts';
import { luaScript } from '../lua.ts';
import { redisKeys } from './redis-keys.ts';

// KEYS: lock, fence counter. ARGV: ttl ms. Returns the new token, or 0 when another holds it.
const acquire = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return token`);

// KEYS: lock, fence counter. ARGV: token, ttl ms. Extends our lock; if it merely expired and no
// one has taken a token since, takes it back. Returns 1 when the lock is ours afterwards.
const renew = luaScript(`
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not holder and redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`);

// KEYS: lock. ARGV: token.
const release = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

export interface HeldRunnerLock extends RunnerLock {
  readonly runner: string;
}

/**
 * Takes the runner's lock for `ttlMs`, renewed every third of it while held; null when another
 * holder has it. `assert` throws a transient LOCK.LOST once another holder took over: the run is
 * not failed, because it goes on (or resumes) under whoever holds the lock now.
 */
export async function acquireRunnerLock(
  redis: Redis,
  prefix: string,
  runner: string,
  ttlMs: number,
): Promise<HeldRunnerLock | null> {
  const keys = [redisKeys(prefix).runnerLock(runner), redisKeys(prefix).runnerFence(runner)];
  const token = Number(await acquire(redis, keys, [ttlMs]));
  if (token === 0) return null;

  let lost = false;
  let released = false;
  const keep = async (): Promise<boolean> => {
    if (!lost && !released) lost = (await renew(redis, keys, [token, ttlMs])) !== 1;
    return !lost;
  };
  const timer = setInterval(() => void keep().catch(() => undefined), Math.max(10, Math.floor(ttlMs / 3)));
  timer.unref();

  return {
    runner,
    fencingToken: token,
    async assert() {
      let held: boolean;
      try {
        held = await keep();
      } catch (error) {
        throw transient('LOCK.LOST', `cannot confirm the lock on ${runner}: Redis did not answer`, error);
      }
      if (!held) throw transient('LOCK.LOST', `another worker took over ${runner} (our fencing token ${token})`);
    },
    async release() {
      released = true;
      clearInterval(timer);
      await release(redis, [keys[0]!], [token]);
    },
  };
}
