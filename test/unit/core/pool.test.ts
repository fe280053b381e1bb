import { describe, expect, it } from 'vitest';
import {
  memberIndex,
  memberName,
  parseScaleArgument,
  planPool,
  retryDelayMs,
  type PoolSnapshot,
} from '../../../src/core/pool.ts';

const nameOf = (i: number) => memberName('gitlab-runner', 'build', i);
const indexOf = (name: string) => memberIndex('gitlab-runner', 'build', name);
const member = (i: number, provisionedAt: number, lost?: 'vm' | 'runner') => ({
  name: nameOf(i),
  provisionedAt,
  ...(lost ? { lost } : {}),
});
const plan = (snapshot: Partial<PoolSnapshot>) =>
  planPool({ desired: 0, members: [], pending: [], leaving: [], ...snapshot }, nameOf, indexOf);

describe('pool member names', () => {
  it('are PREFIX-PROFILE-NN and read back to their index', () => {
    expect(nameOf(1)).toBe('gitlab-runner-build-01');
    expect(nameOf(12)).toBe('gitlab-runner-build-12');
    expect(indexOf('gitlab-runner-build-07')).toBe(7);
  });

  it('never claim another pool’s or a hand-made runner', () => {
    for (const name of [
      'gitlab-runner-deploy-01',
      'gitlab-runner-build',
      'gitlab-runner-build-00',
      'gitlab-runner-build-1x',
      'gitlab-runner-02',
    ]) {
      expect(indexOf(name)).toBeNull();
    }
  });
});

describe('parseScaleArgument', () => {
  it('reads PROFILE=N', () => {
    expect(parseScaleArgument('build=3')).toEqual({ ok: true, value: { profile: 'build', count: 3 } });
    expect(parseScaleArgument('build=0')).toEqual({ ok: true, value: { profile: 'build', count: 0 } });
  });

  it.each(['build', 'build=', '=3', 'build=-1', 'Build=3', 'build=3x', 'build = 3'])(
    'refuses %j, saying what it expects',
    (text) => {
      const parsed = parseScaleArgument(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(/PROFILE=N/);
    },
  );

  it('refuses a pool larger than the limit', () => {
    expect(parseScaleArgument('build=500')).toEqual({ ok: false, error: 'a pool holds at most 50 runners, not 500' });
  });

  it('echoes hostile text inert', () => {
    const parsed = parseScaleArgument('<!channel>=1');
    expect(parsed.ok ? '' : parsed.error).not.toContain('<!channel>');
  });
});

describe('planPool', () => {
  it('provisions the missing runners at the lowest free indexes', () => {
    expect(plan({ desired: 3, members: [member(2, 10)] })).toEqual({
      provision: [nameOf(1), nameOf(3)],
      repair: [],
      surplus: [],
    });
  });

  it('counts runs under way and never reuses their names', () => {
    expect(plan({ desired: 3, members: [member(1, 10)], pending: [nameOf(2)] })).toEqual({
      provision: [nameOf(3)],
      repair: [],
      surplus: [],
    });
  });

  it('does not count runners being removed, nor take their names', () => {
    expect(plan({ desired: 2, members: [member(1, 10), member(2, 20)], leaving: [nameOf(1)] })).toEqual({
      provision: [nameOf(3)],
      repair: [],
      surplus: [],
    });
  });

  it('rebuilds a lost member it still needs, under its own name', () => {
    expect(plan({ desired: 2, members: [member(1, 10, 'vm'), member(2, 20)] })).toEqual({
      provision: [],
      repair: [nameOf(1)],
      surplus: [],
    });
  });

  it('lists the oldest as surplus above the desired count, and never provisions then', () => {
    expect(plan({ desired: 1, members: [member(1, 30), member(2, 10), member(3, 20)] })).toEqual({
      provision: [],
      repair: [],
      surplus: [nameOf(2), nameOf(3)],
    });
  });

  it('retires the least busy first, and among equally busy ones the oldest', () => {
    const busy = (i: number, at: number, runningJobs: number) => ({ ...member(i, at), runningJobs });
    expect(plan({ desired: 2, members: [busy(1, 10, 3), busy(2, 20, 0), busy(3, 30, 1), busy(4, 40, 0)] })).toEqual({
      provision: [],
      repair: [],
      surplus: [nameOf(2), nameOf(4)],
    });
    expect(plan({ desired: 1, members: [busy(1, 10, 1), busy(2, 20, 1), busy(3, 30, 2)] }).surplus).toEqual([
      nameOf(1),
      nameOf(2),
    ]);
  });

  it('gives up a lost member first when shrinking', () => {
    expect(plan({ desired: 1, members: [member(1, 10), member(2, 20, 'runner')] })).toEqual({
      provision: [],
      repair: [],
      surplus: [nameOf(2)],
    });
  });

  it('asks for nothing when the pool matches', () => {
    expect(plan({ desired: 2, members: [member(1, 10), member(2, 20)] })).toEqual({
      provision: [],
      repair: [],
      surplus: [],
    });
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base, up to the maximum', () => {
    expect([0, 1, 2, 3, 10].map((n) => retryDelayMs(n, 1000, 5000))).toEqual([0, 1000, 2000, 4000, 5000]);
  });
});
