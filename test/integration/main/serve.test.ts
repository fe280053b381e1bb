// `runnerbot all` as a real process: health, metrics, clean stop, and refusals to start.
import { afterEach, describe, expect, it } from 'vitest';
import { SECRETS, writeTestConfig } from './fixture-config.ts';
import { freePort, runRunnerbot, startRedisServer, type RedisServer, type Runnerbot } from './processes.ts';

const SAFE_REDIS = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'];
let redis: RedisServer | undefined;
let bot: Runnerbot | undefined;

afterEach(async () => {
  if (bot?.child.exitCode === null) bot.child.kill('SIGKILL');
  await redis?.stop();
  redis = bot = undefined;
});

function startAll(redisUrl: string): Runnerbot {
  const { file } = writeTestConfig();
  return runRunnerbot(['all'], { ...SECRETS, RUNNERBOT_CONFIG: file, REDIS_URL: redisUrl });
}

describe('runnerbot all', () => {
  it('answers /healthz and /metrics, reports Redis going away, and stops cleanly on SIGTERM', async () => {
    redis = await startRedisServer(SAFE_REDIS);
    bot = startAll(redis.url);
    const listening = JSON.parse(await bot.waitForLine(/"msg":"http server listening"/)) as { port: number };
    const base = `http://127.0.0.1:${listening.port}`;

    const health = await fetch(`${base}/healthz`);
    // Beside the status: the primary in use (this one Redis, reached on its URL's port) and its replicas (none).
    expect([health.status, await health.json()]).toEqual([
      200,
      {
        status: 'ok',
        redis: {
          mode: 'standalone',
          primary: `127.0.0.1:${new URL(redis.url).port}`,
          role: 'master',
          replicas: [],
          replicasInSync: 0,
        },
      },
    ]);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await metrics.text();
    expect(body).toContain('# TYPE runnerbot_jobs_total counter');
    expect(body).toContain('runnerbot_process_resident_memory_bytes');
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);

    await redis.stop();
    expect((await fetch(`${base}/healthz`)).status).toBe(503);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.stdout()).toContain('"msg":"stopped cleanly"');
    const lines = bot.stdout().trim().split('\n');
    expect(lines.every((line) => typeof JSON.parse(line) === 'object')).toBe(true);
    for (const secret of Object.values(SECRETS)) expect(bot.stdout() + bot.stderr()).not.toContain(secret);
  });

  it('refuses to start when Redis is unreachable, naming the URL without its password', async () => {
    const port = await freePort();
    bot = startAll(`redis://:hunter2-redis-pw@127.0.0.1:${port}/0`);
    expect(await bot.exited).not.toBe(0);
    expect(bot.stderr()).toContain(
      `runnerbot all: Redis at redis://:***@127.0.0.1:${port}/0 is unreachable (ECONNREFUSED)`,
    );
    expect(bot.stdout() + bot.stderr()).not.toContain('hunter2-redis-pw');
  });

  it('refuses a Redis that may evict keys, and says how to fix it', async () => {
    redis = await startRedisServer(['--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru']);
    bot = startAll(redis.url);
    expect(await bot.exited).not.toBe(0);
    expect(bot.stderr()).toContain(`Redis at ${redis.url} is not safe for runnerbot: maxmemory-policy is allkeys-lru`);
    expect(bot.stderr()).toContain('Fix: redis-cli config set maxmemory-policy noeviction');
    expect(bot.stderr()).not.toContain('appendonly is');
  });

  it('refuses a Redis without an append-only file', async () => {
    redis = await startRedisServer(['--appendonly', 'no', '--maxmemory-policy', 'noeviction']);
    bot = startAll(redis.url);
    expect(await bot.exited).not.toBe(0);
    expect(bot.stderr()).toContain('appendonly is no');
    expect(bot.stderr()).toContain('redis-cli config set appendonly yes');
  });

  it('refuses to start, naming the variable, when a secret it needs is missing', async () => {
    const { file } = writeTestConfig();
    bot = runRunnerbot(['all'], {
      ...SECRETS,
      GITLAB_TOKEN: '',
      RUNNERBOT_CONFIG: file,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain('GITLAB_TOKEN (or GITLAB_TOKEN_FILE) is not set; runnerbot all needs it');
  });
});
