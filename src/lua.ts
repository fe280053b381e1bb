// The one way runnerbot runs Lua (the job stores and the Slack outbox alike): by its SHA with
// EVALSHA, and in full with EVAL only after a NOSCRIPT reply (a restarted Redis has forgotten it;
// EVAL caches it again), as ioredis' defineCommand does for BullMQ.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type LuaScript = (redis: Redis, keys: string[], args: (string | number)[]) => Promise<unknown>;

export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}
