import { describe, expect, it } from 'vitest';
import { renderConfigToml, tokenTimesOf, tomlString, withToken, withoutToken } from '../../../src/core/config-toml.ts';
import type { RunnerSpec } from '../../../src/core/spec.ts';

const spec: RunnerSpec = {
  name: 'gitlab-runner-02',
  profile: 'build',
  cores: 4,
  memoryMiB: 8192,
  diskGiB: 64,
  tags: ['docker'],
  concurrency: 3,
  privileged: false,
  defaultImage: 'alpine:3.20',
  allowedImages: ['alpine:*', 'registry.example.com/ci/$(reboot):"x y"'],
  allowedServices: ['docker:27-dind'],
  allowedPullPolicies: ['if-not-present', 'always'],
  volumes: ['/cache', '/certs/client'],
};
const OBTAINED = Date.parse('2026-12-01T23:40:05.123Z');
const credentials = { runnerId: 42, tokenObtainedAt: OBTAINED, tokenExpiresAt: null };
const render = (overrides: Partial<RunnerSpec> = {}) =>
  renderConfigToml({
    spec: { ...spec, ...overrides },
    gitlabUrl: 'https://gitlab.example.com',
    token: 'glrt-abc',
    ...credentials,
  });

/** The value of `key = …` (first match), decoded: TOML basic strings and arrays are valid JSON. */
function value(toml: string, key: string): unknown {
  const line = toml.split('\n').find((l) => l.trimStart().startsWith(`${key} =`));
  if (line === undefined) return undefined;
  return JSON.parse(line.slice(line.indexOf('=') + 1).trim());
}

describe('renderConfigToml', () => {
  it('sets concurrency, the metrics listener and the docker executor', () => {
    const toml = render();
    expect(value(toml, 'concurrent')).toBe(3);
    expect(value(toml, 'listen_address')).toBe(':9252');
    expect(value(toml, 'executor')).toBe('docker');
    expect(value(toml, 'url')).toBe('https://gitlab.example.com');
    expect(value(toml, 'token')).toBe('glrt-abc');
    expect(value(toml, 'name')).toBe('gitlab-runner-02');
    expect(toml.match(/^\[\[runners\]\]$/gm)).toHaveLength(1);
  });

  it('has no session server', () => {
    expect(render()).not.toMatch(/session_server/);
  });

  it('is privileged only when the profile says so', () => {
    expect(value(render(), 'privileged')).toBe(false);
    expect(value(render({ privileged: true }), 'privileged')).toBe(true);
  });

  it('lists the allowed images, services, pull policies and volumes', () => {
    const toml = render();
    expect(value(toml, 'allowed_images')).toEqual(spec.allowedImages);
    expect(value(toml, 'allowed_services')).toEqual(['docker:27-dind']);
    expect(value(toml, 'allowed_pull_policies')).toEqual(['if-not-present', 'always']);
    expect(value(toml, 'pull_policy')).toEqual(['if-not-present']);
    expect(value(toml, 'volumes')).toEqual(['/cache', '/certs/client']);
    expect(value(toml, 'image')).toBe('alpine:3.20');
  });

  it('keeps an image with quotes and $(…) as one literal string', () => {
    const toml = render();
    expect(toml).toContain(String.raw`"registry.example.com/ci/$(reboot):\"x y\""`);
  });

  it('cannot be broken out of by a newline in a value', () => {
    const toml = render({ allowedImages: ['a"\n[[runners]]\nprivileged = true'] });
    expect(toml.match(/^\[\[runners\]\]$/gm)).toHaveLength(1);
    expect(value(toml, 'allowed_images')).toEqual(['a"\n[[runners]]\nprivileged = true']);
  });

  it('renders the same file for the same input', () => {
    expect(render()).toBe(render());
  });
});

describe('tomlString', () => {
  it.each(['plain', 'quote " and \\ backslash', 'tab\tnewline\nreturn\r', '\u0001\u001f\u007f', 'ünï ☃'])(
    'round-trips %j',
    (s) => {
      expect(JSON.parse(tomlString(s))).toBe(s);
      expect([...tomlString(s)].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false);
    },
  );
});

describe('the runner credentials, as gitlab-runner register writes them', () => {
  it('writes id, token, token_obtained_at and token_expires_at in that order, times as TOML date-times', () => {
    const toml = renderConfigToml({
      spec,
      gitlabUrl: 'https://gitlab.example.com',
      token: 'glrt-abc',
      runnerId: 42,
      tokenObtainedAt: OBTAINED,
      tokenExpiresAt: '2027-03-02T10:00:00.000Z',
    });
    const block = toml.slice(toml.indexOf('  url ='), toml.indexOf('  executor'));
    expect(block).toBe(
      [
        '  url = "https://gitlab.example.com"',
        '  id = 42',
        '  token = "glrt-abc"',
        '  token_obtained_at = 2026-12-01T23:40:05Z',
        '  token_expires_at = 2027-03-02T10:00:00Z',
        '',
      ].join('\n'),
    );
  });

  it("writes Go's zero time when the token never expires, so gitlab-runner does not try to rotate it", () => {
    expect(render()).toContain('  token_expires_at = 0001-01-01T00:00:00Z\n');
  });
});

describe('withoutToken', () => {
  it('makes two files that differ only in the token equal', () => {
    const other = renderConfigToml({
      spec,
      gitlabUrl: 'https://gitlab.example.com',
      token: 'glrt-zzz',
      runnerId: 42,
      tokenObtainedAt: OBTAINED + 60_000,
      tokenExpiresAt: '2027-01-01T00:00:00.000Z',
    });
    expect(withoutToken(render())).toBe(withoutToken(other));
    expect(withoutToken(render())).not.toContain('glrt-');
  });

  it('still tells apart files that differ elsewhere', () => {
    expect(withoutToken(render())).not.toBe(withoutToken(render({ privileged: true })));
  });
});

describe('withToken', () => {
  const EXPIRES = '2027-03-01T00:00:00.000Z';
  const rotated = (toml: string) =>
    withToken(toml, { token: 'glrt-new"$(x)', tokenObtainedAt: OBTAINED + 1000, tokenExpiresAt: EXPIRES });

  it('replaces the token and its times and nothing else', () => {
    const before = render();
    const after = rotated(before)!;
    expect(value(after, 'token')).toBe('glrt-new"$(x)');
    expect(after).toMatch(/^ {2}token_obtained_at = 2026-12-01T23:40:06Z$/m);
    expect(after).toMatch(/^ {2}token_expires_at = 2027-03-01T00:00:00Z$/m);
    expect(withoutToken(after)).toBe(withoutToken(before));
    expect(after.split('\n')).toHaveLength(before.split('\n').length);
  });

  it('gives the same file as a fresh render with the new token', () => {
    const fresh = renderConfigToml({
      spec,
      gitlabUrl: 'https://gitlab.example.com',
      runnerId: 42,
      token: 'glrt-new"$(x)',
      tokenObtainedAt: OBTAINED + 1000,
      tokenExpiresAt: EXPIRES,
    });
    expect(rotated(render())).toBe(fresh);
  });

  it('refuses a file that is not one runner with a token', () => {
    expect(rotated('concurrent = 1\n')).toBeNull();
    expect(rotated(`${render()}\n[[runners]]\n  token = "glrt-other"\n`)).toBeNull();
  });
});

describe('tokenTimesOf', () => {
  it('reads the times runnerbot and gitlab-runner write, Go’s zero time as never', () => {
    expect(tokenTimesOf(render())).toEqual({ obtainedAt: Date.parse('2026-12-01T23:40:05Z'), expiresAt: null });
    const expiring = withToken(render(), {
      token: 't',
      tokenObtainedAt: OBTAINED,
      tokenExpiresAt: '2027-01-01T00:00:00Z',
    })!;
    expect(tokenTimesOf(expiring)?.expiresAt).toBe('2027-01-01T00:00:00.000Z');
    expect(tokenTimesOf('concurrent = 1')).toBeNull();
  });
});
