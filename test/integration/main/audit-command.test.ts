// `runnerbot audit` through the command table, against a private Redis.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisAuditLog } from '../../../src/jobs/redis-audit-log.ts';
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
    expect(empty.stdout()).toBe('No audit entries.\n');
    const bad = runRunnerbot(['audit', '--since', 'yesterday'], env);
    expect(await bad.exited).toBe(2);
    expect(bad.stdout()).toContain('Usage: runnerbot audit');
  });

  it('prints a hostile --reason inert: no escape sequence, control character or line break reaches the terminal', async () => {
    redis = await startRedisServer(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
    const client = new Redis(redis.url);
    const reason =
      'disk\u001b[2K\u001b[1A\rOK all good\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u202e\nforged line\u0007';
    await createRedisAuditLog(client, 'runnerbot').append({
      type: 'request',
      runner: 'gitlab-runner-02',
      actor: 'U0ALICE001',
      detail: { reason },
    });
    client.disconnect();
    const audit = runRunnerbot(['audit'], { RUNNERBOT_CONFIG: writeTestConfig().file, REDIS_URL: redis.url });
    expect(await audit.exited).toBe(0);
    const lines = audit.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^WHEN +WHO +WHAT +RUNNER +OUTCOME +RUN$/);
    expect(lines[1]).toContain('reason=disk???OK all good?click?? forged line?');
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(audit.stdout()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});
