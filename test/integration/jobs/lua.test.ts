// The Lua loader on a Redis of the test's own (so SCRIPT FLUSH touches no one else): a script
// goes by its SHA, in full only when Redis does not know it, and survives a flushed script cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { luaScript } from '../../../src/lua.ts';
import { startRedisServer, type OwnRedisServer } from './harness/redis-server.ts';

let server: OwnRedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.destroy();
});

/** How often Redis ran EVAL and EVALSHA (failed calls included). */
async function evalCalls(): Promise<{ eval: number; evalsha: number }> {
  const stats = await redis.info('commandstats');
  const calls = (name: string) => {
    const line = new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(stats);
    return line ? Number(line[1]) : 0;
  };
  return { eval: calls('eval'), evalsha: calls('evalsha') };
}

describe('luaScript', () => {
  it('sends the script in full once, then by SHA, and again in full after Redis forgot it', async () => {
    const echo = luaScript(`return ARGV[1] .. redis.call('INCR', KEYS[1])`);
    expect(await echo(redis, ['lua-test:n'], ['a'])).toBe('a1');
    expect(await echo(redis, ['lua-test:n'], ['b'])).toBe('b2');
    expect(await evalCalls()).toEqual({ eval: 1, evalsha: 2 });

    await redis.script('FLUSH');
    expect(await echo(redis, ['lua-test:n'], ['c'])).toBe('c3');
    expect(await evalCalls()).toEqual({ eval: 2, evalsha: 3 });
  });

  it('passes any other error through', async () => {
    const broken = luaScript(`return redis.call('NO-SUCH-COMMAND')`);
    await expect(broken(redis, [], [])).rejects.toThrow(/Unknown Redis command|unknown command/i);
  });
});
