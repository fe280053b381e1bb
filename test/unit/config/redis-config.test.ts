// The `redis` section: Sentinel and Cluster through the real loader, with a clear answer for a
// bad key and never a password in what runnerbot prints.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigProblem } from '../../../src/config.ts';
import { describeEndpoint, redisEndpoint } from '../../../src/redis-endpoint.ts';

const EXAMPLE = readFileSync(new URL('../../../runnerbot.example.yaml', import.meta.url), 'utf8');
const REDIS_SECTION = /^redis:\n(?: .*\n|\n)*/m;

const withRedis = (section: string) => EXAMPLE.replace(REDIS_SECTION, `redis:\n${section}\n`);
const load = (yaml: string, env: Record<string, string> = {}, extra: Record<string, string> = {}) =>
  loadConfig(env, (path) => {
    const text = ({ './runnerbot.yaml': yaml, ...extra } as Record<string, string>)[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  });
const problems = (result: ReturnType<typeof load>): ConfigProblem[] => {
  if (result.ok) throw new Error('expected problems, got a valid configuration');
  return result.error;
};

describe('redis.sentinel', () => {
  it('reaches the primary through the sentinels, with the passwords from the environment', () => {
    const yaml = withRedis(
      [
        '  prefix: runnerbot',
        '  sentinel:',
        '    addresses: [10.0.0.1:26379, "sentinel-2.example:26379"]',
        '    masterName: runnerbot',
        '    tls: true',
        '  tls: true',
        '  caFile: /etc/runnerbot/redis-ca.pem',
      ].join('\n'),
    );
    const result = load(
      yaml,
      { REDIS_PASSWORD: 'data-pass', REDIS_SENTINEL_PASSWORD: 'sentinel-pass' },
      { '/etc/runnerbot/redis-ca.pem': 'CA PEM' },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const endpoint = redisEndpoint(result.value.config.redis, result.value.secrets, () => 'CA PEM');
    expect(endpoint).toEqual({
      sentinel: {
        addresses: [
          { host: '10.0.0.1', port: 26379 },
          { host: 'sentinel-2.example', port: 26379 },
        ],
        masterName: 'runnerbot',
        tls: true,
        password: 'sentinel-pass',
      },
      node: { password: 'data-pass', tls: { ca: 'CA PEM' } },
    });
    expect(describeEndpoint(endpoint)).toBe('Sentinel master "runnerbot" via 10.0.0.1:26379,sentinel-2.example:26379');
  });

  it('refuses an address without a port, naming the key', () => {
    const yaml = withRedis(['  sentinel:', '    addresses: [10.0.0.1]', '    masterName: runnerbot'].join('\n'));
    expect(problems(load(yaml))).toContainEqual(
      expect.objectContaining({ path: 'redis.sentinel.addresses.0', message: expect.stringContaining('host:port') }),
    );
  });

  it('refuses a password in the file and says where it goes', () => {
    const yaml = withRedis(
      ['  sentinel:', '    addresses: [10.0.0.1:26379]', '    masterName: runnerbot', '    password: hunter2'].join(
        '\n',
      ),
    );
    const found = problems(load(yaml));
    expect(found).toContainEqual(
      expect.objectContaining({
        path: 'redis.sentinel.password',
        message: expect.stringContaining('REDIS_SENTINEL_PASSWORD'),
      }),
    );
    expect(JSON.stringify(found)).not.toContain('hunter2');
  });
});

describe('redis.cluster', () => {
  it('needs a {hash-tag} prefix, so that each queue and each run stays in one slot', () => {
    const yaml = withRedis(['  prefix: runnerbot', '  cluster:', '    addresses: [10.0.0.1:6379]'].join('\n'));
    expect(problems(load(yaml))).toContainEqual(
      expect.objectContaining({ path: 'redis.prefix', message: expect.stringContaining('"{runnerbot}"') }),
    );
  });

  it('is reached through its seed nodes', () => {
    const result = load(
      withRedis(['  prefix: "{runnerbot}"', '  cluster:', '    addresses: [10.0.0.1:6379, 10.0.0.2:6379]'].join('\n')),
      { REDIS_PASSWORD: 'data-pass' },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const endpoint = redisEndpoint(result.value.config.redis, result.value.secrets);
    expect(endpoint).toEqual({
      cluster: {
        addresses: [
          { host: '10.0.0.1', port: 6379 },
          { host: '10.0.0.2', port: 6379 },
        ],
      },
      node: { password: 'data-pass' },
    });
    expect(describeEndpoint(endpoint)).not.toContain('data-pass');
  });

  it('is not combined with sentinel', () => {
    const yaml = withRedis(
      [
        '  prefix: "{runnerbot}"',
        '  cluster:',
        '    addresses: [10.0.0.1:6379]',
        '  sentinel:',
        '    addresses: [10.0.0.1:26379]',
        '    masterName: m',
      ].join('\n'),
    );
    expect(problems(load(yaml))).toContainEqual(
      expect.objectContaining({
        path: 'redis.cluster',
        message: 'set either redis.sentinel or redis.cluster, not both',
      }),
    );
  });
});

describe('redis.url', () => {
  it('stays the endpoint when neither sentinel nor cluster is set, and waits for no replica', () => {
    const result = load(EXAMPLE);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(redisEndpoint(result.value.config.redis, result.value.secrets)).toEqual({ url: 'redis://127.0.0.1:6379' });
    expect(result.value.config.redis.replicasToAck).toBe(0);
  });
});
