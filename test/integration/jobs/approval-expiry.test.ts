// Issue 12, finding 5: approval records used to stay in Redis for good.
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedisApprovalStore } from '../../../src/jobs/redis-approval-store.ts';
import { withTestRedis } from './harness/test-redis.ts';

let redis: Redis;
let prefix: string;
withTestRedis((r, p) => ((redis = r), (prefix = p)));

describe('approval records', () => {
  it('expire in Redis a set time after the approval itself expires, decided or not', async () => {
    const approvals = createRedisApprovalStore(redis, prefix, { keepAfterExpiryMs: 60_000 });
    const expiresAt = Date.now() + 30_000;
    await approvals.open({ runId: 'r_1', requester: 'U1', createdAt: Date.now(), expiresAt });
    await approvals.open({ runId: 'r_2', requester: 'U1', createdAt: Date.now(), expiresAt });
    await approvals.decide('r_2', 'approved', 'U2', Date.now());
    for (const runId of ['r_1', 'r_2']) {
      expect(await redis.pexpiretime(`${prefix}:approval:${runId}`)).toBe(expiresAt + 60_000);
    }
  });

  it('are gone once that time passed, and leave nothing in the pending index', async () => {
    const approvals = createRedisApprovalStore(redis, prefix, { keepAfterExpiryMs: 1 });
    const now = Date.now();
    await approvals.open({ runId: 'r_old', requester: 'U1', createdAt: now - 10_000, expiresAt: now - 5_000 });
    expect(await approvals.get('r_old')).toBeNull();
    expect(await approvals.expired(now)).toEqual([]);
    expect(await redis.zcard(`${prefix}:approvals:pending`)).toBe(0);
  });
});
