import { describe, expect, it } from 'vitest';
import { resolveSpec, type SpecRequest } from '../../../src/core/resolve-spec.ts';
import type { Profile } from '../../../src/core/spec.ts';

const base: Profile = {
  cores: 2,
  memoryMiB: 4096,
  diskGiB: 40,
  tags: ['docker', 'linux'],
  concurrency: 2,
  privileged: false,
  defaultImage: 'alpine:3.20',
  allowedImages: ['alpine:*'],
  allowedServices: [],
  allowedPullPolicies: ['if-not-present'],
  volumes: ['/cache'],
};
const profiles: Record<string, Profile> = {
  default: base,
  build: { ...base, cores: 8, memoryMiB: 16384, diskGiB: 100, tags: ['docker', 'build'], privileged: true },
};
const NAME = 'gitlab-runner-02';
const nodes = { nodes: ['pve1', 'pve2'] };

const resolve = (request: Partial<SpecRequest>, limits = nodes) =>
  resolveSpec(profiles, 'default', { name: NAME, ...request }, limits);
const messageOf = (request: Partial<SpecRequest>): string | undefined => {
  const result = resolve(request);
  return result.ok ? undefined : result.error.message;
};

describe('resolveSpec', () => {
  it('uses the default profile when none is asked for', () => {
    expect(resolve({})).toEqual({ ok: true, value: { ...base, name: NAME, profile: 'default' } });
  });

  it('uses the named profile', () => {
    expect(resolve({ profile: 'build' })).toEqual({
      ok: true,
      value: { ...profiles.build, name: NAME, profile: 'build' },
    });
  });

  it("applies every override, adding tags to the profile's without duplicates", () => {
    const result = resolve({
      profile: 'build',
      cores: 16,
      memoryMiB: 32768,
      diskGiB: 200,
      tags: ['gpu', 'docker'],
      node: 'pve2',
    });
    expect(result).toEqual({
      ok: true,
      value: {
        ...profiles.build,
        name: NAME,
        profile: 'build',
        cores: 16,
        memoryMiB: 32768,
        diskGiB: 200,
        tags: ['docker', 'build', 'gpu'],
        node: 'pve2',
      },
    });
  });

  it.each<[Partial<SpecRequest>]>([
    [{ cores: 1 }],
    [{ cores: 128 }],
    [{ memoryMiB: 512 }],
    [{ diskGiB: 40 }],
    [{ diskGiB: 4096 }],
    [{ tags: ['a', 'x86_64', 'v1.2', 'gpu-large', 'a'.repeat(63)] }],
    [{ node: 'pve1' }],
  ])('accepts the bound %j', (request) => {
    expect(resolve(request).ok).toBe(true);
  });

  it('does not leak the profile object it was given', () => {
    const result = resolve({ tags: ['gpu'] });
    expect(result.ok && result.value.tags).toEqual(['docker', 'linux', 'gpu']);
    expect(profiles.default!.tags).toEqual(['docker', 'linux']);
  });
});

describe('resolveSpec refusals', () => {
  it.each<[Partial<SpecRequest>, string]>([
    [{ cores: 0 }, '`--cores` must be a whole number from 1 to 128, got 0'],
    [{ cores: 129 }, '`--cores` must be a whole number from 1 to 128, got 129'],
    [{ cores: 2.5 }, '`--cores` must be a whole number from 1 to 128, got 2.5'],
    [{ memoryMiB: 256 }, '`--memory` must be a whole number from 512 to 1048576 MiB, got 256'],
    [{ memoryMiB: 2_000_000 }, '`--memory` must be a whole number from 512 to 1048576 MiB, got 2000000'],
    [{ diskGiB: 4 }, '`--disk` must be a whole number from 8 to 4096 GiB, got 4'],
    [{ diskGiB: 5000 }, '`--disk` must be a whole number from 8 to 4096 GiB, got 5000'],
    [{ diskGiB: 20 }, "`--disk` 20 GiB is smaller than profile `default`'s 40 GiB; a disk can only grow"],
    [
      { profile: 'build', diskGiB: 64 },
      "`--disk` 64 GiB is smaller than profile `build`'s 100 GiB; a disk can only grow",
    ],
    [
      { tags: ['Docker'] },
      "`--tags`: `Docker` is not a tag; use lower-case letters, digits, '.', '_' and '-' (at most 63 characters)",
    ],
    [
      { tags: ['-x'] },
      "`--tags`: `-x` is not a tag; use lower-case letters, digits, '.', '_' and '-' (at most 63 characters)",
    ],
    [
      { tags: ['a b'] },
      "`--tags`: `a b` is not a tag; use lower-case letters, digits, '.', '_' and '-' (at most 63 characters)",
    ],
    [
      { tags: ['$(id)'] },
      "`--tags`: `$(id)` is not a tag; use lower-case letters, digits, '.', '_' and '-' (at most 63 characters)",
    ],
    [
      { tags: ['a'.repeat(64)] },
      `\`--tags\`: \`${'a'.repeat(40)}…\` is not a tag; use lower-case letters, digits, '.', '_' and '-' (at most 63 characters)`,
    ],
    [{ node: 'pve9' }, '`--node`: `pve9` is not a configured Proxmox node; configured: pve1, pve2'],
  ])('%j -> %s', (request, message) => {
    expect(resolve(request)).toEqual({ ok: false, error: { code: 'SPEC.INVALID', message } });
  });

  it('names every bad override at once', () => {
    expect(messageOf({ cores: 0, node: 'x' })).toBe(
      '`--cores` must be a whole number from 1 to 128, got 0; `--node`: `x` is not a configured Proxmox node; configured: pve1, pve2',
    );
  });

  it('checks only the syntax of a node when no nodes are given', () => {
    expect(resolveSpec(profiles, 'default', { name: NAME, node: 'pve7' }).ok).toBe(true);
    expect(resolveSpec(profiles, 'default', { name: NAME, node: 'pve7;id' })).toEqual({
      ok: false,
      error: { code: 'SPEC.INVALID', message: '`--node`: `pve7;id` is not a Proxmox node name' },
    });
  });

  it.each([
    ['bild', 'unknown profile `bild`; did you mean `build`? known profiles: build, default'],
    ['gpu', 'unknown profile `gpu`; known profiles: build, default'],
    ['constructor', 'unknown profile `constructor`; known profiles: build, default'],
    ['__proto__', 'unknown profile `__proto__`; known profiles: build, default'],
  ])('an unknown profile %j lists the known ones', (profile, message) => {
    expect(resolve({ profile })).toEqual({ ok: false, error: { code: 'PROFILE.UNKNOWN', message } });
  });

  it('says when the configured default profile is missing', () => {
    expect(resolveSpec(profiles, 'standard', { name: NAME })).toEqual({
      ok: false,
      error: {
        code: 'PROFILE.UNKNOWN',
        message: 'the default profile `standard` is not configured; known profiles: build, default',
      },
    });
  });
});
