// `runnerbot all` in Socket Mode with Slack unreachable, as a real process: health first (Slack
// reported down), the failing URL and the reason in the log, retries with backoff, and one
// SIGTERM stops it.
import { afterEach, describe, expect, it } from 'vitest';
import { SECRETS, writeTestConfig } from './fixture-config.ts';
import { freePort, runRunnerbot, startRedisServer, type RedisServer, type Runnerbot } from './processes.ts';

let redis: RedisServer | undefined;
let bot: Runnerbot | undefined;
afterEach(async () => {
  if (bot?.child.exitCode === null) bot.child.kill('SIGKILL');
  await redis?.stop();
  redis = bot = undefined;
});

const within = <T>(ms: number, promise: Promise<T>) =>
  Promise.race([promise, new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms).unref())]);

describe('runnerbot all with Slack unreachable', () => {
  it('serves /healthz with Slack down, names the URL and the reason, retries with backoff, and stops on one SIGTERM', async () => {
    redis = await startRedisServer([
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
    ]);
    const nobody = await freePort();
    const { file } = writeTestConfig((yaml) =>
      yaml
        .replace('  mode: http', '  mode: socket')
        .replace('  # apiUrl: https://slack.com/api/', `  apiUrl: http://127.0.0.1:${nobody}/api/`),
    );
    bot = runRunnerbot(['all'], { ...SECRETS, RUNNERBOT_CONFIG: file, REDIS_URL: redis.url });
    const { port } = JSON.parse(await bot.waitForLine(/"msg":"http server listening"/)) as { port: number };

    const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'degraded',
      slack: { status: expect.stringMatching(/^(connecting|down)$/) },
    });

    const url = `http://127.0.0.1:${nobody}/api/auth.test`;
    const second = JSON.parse(await bot.waitForLine(/"attempt":2,/)) as {
      url: string;
      reason: string;
      retryInSeconds: number;
      msg: string;
    };
    expect(second).toMatchObject({ url, reason: expect.stringContaining('ECONNREFUSED'), retryInSeconds: 2 });
    expect(second.msg).toBe(`cannot reach Slack: ${url} failed: ${second.reason}; retrying in 2 s`);
    const down = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { slack: object };
    expect(down.slack).toMatchObject({ status: 'down', url, error: expect.stringContaining('ECONNREFUSED') });

    bot.child.kill('SIGTERM');
    expect(await within(10_000, bot.exited)).toBe(0);
    expect(bot.stdout()).toContain('"msg":"stopped cleanly"');
    for (const secret of Object.values(SECRETS)) expect(bot.stdout() + bot.stderr()).not.toContain(secret);
  });
});
