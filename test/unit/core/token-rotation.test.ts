import { describe, expect, it } from 'vitest';
import type { FleetEntry } from '../../../src/core/ports.ts';
import {
  describeToken,
  dueRotations,
  rotationDue,
  rotationResults,
  ROTATED,
} from '../../../src/core/token-rotation.ts';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');

function entry(name: string, fields: Partial<FleetEntry> = {}): FleetEntry {
  return {
    name,
    vmid: 5000,
    node: 'pve1',
    ip: '10.0.0.5',
    profile: 'default',
    runnerId: 1,
    tags: ['docker'],
    provisionedAt: NOW - 400 * DAY,
    ...fields,
  };
}
const iso = (ms: number) => new Date(ms).toISOString();

describe('rotationDue', () => {
  it('is off without everyDays and without an expiry', () => {
    expect(
      rotationDue(entry('a', { tokenObtainedAt: NOW - 1000 * DAY, tokenExpiresAt: null }), { marginDays: 7 }, NOW),
    ).toBeNull();
  });

  it('rotates a token everyDays old, and not a day before', () => {
    const policy = { everyDays: 90, marginDays: 7 };
    expect(rotationDue(entry('a', { tokenObtainedAt: NOW - 89 * DAY }), policy, NOW)).toBeNull();
    expect(rotationDue(entry('a', { tokenObtainedAt: NOW - 90 * DAY }), policy, NOW)).toMatchObject({
      reason: 'age',
      why: 'its token is 90 d old (rotation every 90 d)',
    });
  });

  it('counts a record without token times from its provision', () => {
    expect(rotationDue(entry('a'), { everyDays: 365, marginDays: 7 }, NOW)?.reason).toBe('age');
    expect(rotationDue(entry('a'), { everyDays: 401, marginDays: 7 }, NOW)).toBeNull();
  });

  it('always rotates marginDays before the expiry, whatever everyDays says', () => {
    const fresh = { tokenObtainedAt: NOW - DAY };
    const policy = { everyDays: 365, marginDays: 7 };
    expect(rotationDue(entry('a', { ...fresh, tokenExpiresAt: iso(NOW + 8 * DAY) }), policy, NOW)).toBeNull();
    expect(rotationDue(entry('a', { ...fresh, tokenExpiresAt: iso(NOW + 7 * DAY) }), policy, NOW)).toMatchObject({
      reason: 'expiry',
      why: 'its token expires in 7 d (margin 7 d)',
    });
    expect(rotationDue(entry('a', { ...fresh, tokenExpiresAt: iso(NOW - 2 * DAY) }), policy, NOW)?.why).toBe(
      'its token expired 2 d ago (margin 7 d)',
    );
  });
});

describe('dueRotations', () => {
  it('lists only the due runners, soonest expiry first, then the oldest token', () => {
    const due = dueRotations(
      [
        entry('old', { tokenObtainedAt: NOW - 200 * DAY }),
        entry('fresh', { tokenObtainedAt: NOW - DAY }),
        entry('expiring', { tokenObtainedAt: NOW - DAY, tokenExpiresAt: iso(NOW + DAY) }),
        entry('older', { tokenObtainedAt: NOW - 300 * DAY }),
      ],
      { everyDays: 90, marginDays: 7 },
      NOW,
    );
    expect(due.map((d) => d.runner)).toEqual(['expiring', 'older', 'old']);
  });
});

describe('describeToken', () => {
  it('says the age and the expiry, never the token', () => {
    expect(
      describeToken(entry('a', { tokenObtainedAt: NOW - 12 * DAY, tokenExpiresAt: iso(NOW + 78 * DAY) }), NOW),
    ).toBe('obtained 12 d ago, expires in 78 d');
    expect(describeToken(entry('a', { tokenObtainedAt: NOW, tokenExpiresAt: null }), NOW)).toBe(
      'obtained just now, never expires',
    );
    expect(describeToken(entry('a'), NOW)).toBe('obtained 400 d ago (at provision), expiry unknown');
  });
});

describe('rotationResults', () => {
  it('splits a fleet rotation into rotated and failed runners', () => {
    expect(rotationResults({ b: ROTATED, a: ROTATED, c: 'failed at verify: X: y' })).toEqual({
      rotated: ['a', 'b'],
      failed: [['c', 'failed at verify: X: y']],
    });
  });
});
