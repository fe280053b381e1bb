// `runnerbot audit` through the command table, against a private Redis.
import { afterEach, describe, expect, it } from 'vitest';
import { writeTestConfig } from './fixture-config.ts';
import { runRunnerbot, startRedisServer, type RedisServer } from './processes.ts';

let redis: RedisServer | undefined;
afterEach(async () => redis?.stop());

describe('runnerbot audit', () => {
  it('reads an empty trail, and answers a bad option with its usage', async () => {
    redis = await startRedisServer(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
    const env = { RUNNERBOT_CONFIG: writeTestConfig().file, REDIS_URL: redis.url };
    const empty = runRunnerbot(['audit', '--since', '7d'], env);
    expect(await empty.exited).toBe(0);
    expect(empty.stdout()).toBe('');
    const bad = runRunnerbot(['audit', '--since', 'yesterday'], env);
    expect(await bad.exited).toBe(2);
    expect(bad.stdout()).toContain('Usage: runnerbot audit');
  });
});
