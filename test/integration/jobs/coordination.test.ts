import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisApprovalStore } from '../../../src/jobs/redis-approval-store.ts';
import { createRedisCoordination } from '../../../src/jobs/redis-coordination.ts';
import { createRedisFleet } from '../../../src/jobs/redis-fleet.ts';
import { acquireRunnerLock } from '../../../src/jobs/runner-lock.ts';
import { withTestRedis } from './harness/test-redis.ts';

let redis: Redis;
let prefix: string;

withTestRedis((r, p) => ((redis = r), (prefix = p)));

describe('approvals', () => {
  // Times are real epoch milliseconds: Redis drops an approval record a week after its expiry.
  const t0 = Date.now();
  it('lets exactly one of 20 simultaneous decisions win', async () => {
    const approvals = createRedisApprovalStore(redis, prefix);
    await approvals.open({ runId: 'r_1', requester: 'U1', createdAt: t0 + 1, expiresAt: t0 + 10_000 });
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        approvals.decide('r_1', i % 2 ? 'approved' : 'denied', `U${i + 10}`, t0 + 500 + i),
      ),
    );
    expect(decisions.filter(Boolean)).toHaveLength(1);
    const winner = decisions.indexOf(true);
    expect(await approvals.get('r_1')).toEqual({
      runId: 'r_1',
      requester: 'U1',
      createdAt: t0 + 1,
      expiresAt: t0 + 10_000,
      status: winner % 2 ? 'approved' : 'denied',
      decidedBy: `U${winner + 10}`,
      decidedAt: t0 + 500 + winner,
    });
  });

  it('lists pending approvals past their expiry, and no longer once decided', async () => {
    const approvals = createRedisApprovalStore(redis, prefix);
    await approvals.open({ runId: 'r_soon', requester: 'U1', createdAt: t0 + 1, expiresAt: t0 + 100 });
    await approvals.open({ runId: 'r_later', requester: 'U1', createdAt: t0 + 1, expiresAt: t0 + 900 });
    expect((await approvals.expired(t0 + 500)).map((a) => a.runId)).toEqual(['r_soon']);
    expect(await approvals.decide('r_soon', 'expired', 'runnerbot', t0 + 500)).toBe(true);
    expect(await approvals.expired(t0 + 500)).toEqual([]);
    expect(await approvals.decide('r_soon', 'approved', 'U2', t0 + 501)).toBe(false);
  });

  it('decides nothing that was never opened', async () => {
    expect(await createRedisApprovalStore(redis, prefix).decide('r_none', 'approved', 'U2', 1)).toBe(false);
  });
});

describe('runner lock', () => {
  it('gives one holder at a time, with increasing fencing tokens', async () => {
    const first = await acquireRunnerLock(redis, prefix, 'gitlab-runner-02', 5_000);
    expect(first).not.toBeNull();
    expect(await acquireRunnerLock(redis, prefix, 'gitlab-runner-02', 5_000)).toBeNull();
    await first!.release();
    const second = await acquireRunnerLock(redis, prefix, 'gitlab-runner-02', 5_000);
    expect(second!.fencingToken).toBeGreaterThan(first!.fencingToken);
    await second!.release();
  });

  it("fails the first holder's assert once a second holder took the lock after it expired", async () => {
    const first = await acquireRunnerLock(redis, prefix, 'gitlab-runner-05', 5_000);
    await first!.assert();
    await redis.del(`${prefix}:lock:gitlab-runner-05`); // the lock lapses, as after a long pause
    const second = await acquireRunnerLock(redis, prefix, 'gitlab-runner-05', 5_000);
    expect(second).not.toBeNull();
    await expect(first!.assert()).rejects.toMatchObject({ code: 'LOCK.LOST', transient: true });
    await first!.release();
    await second!.assert();
    await second!.release();
  });

  it('takes a lapsed lock back when nobody took it in between', async () => {
    const lock = await acquireRunnerLock(redis, prefix, 'gitlab-runner-06', 5_000);
    await redis.del(`${prefix}:lock:gitlab-runner-06`);
    await lock!.assert();
    expect(await acquireRunnerLock(redis, prefix, 'gitlab-runner-06', 5_000)).toBeNull();
    await lock!.release();
  });

  it('keeps the lock past its TTL while held, by renewing it', async () => {
    const lock = await acquireRunnerLock(redis, prefix, 'gitlab-runner-07', 150);
    await sleep(500);
    expect(await acquireRunnerLock(redis, prefix, 'gitlab-runner-07', 150)).toBeNull();
    await lock!.assert();
    await lock!.release();
  });
});

describe('coordination', () => {
  it('holds at most 2 clone slots per node among 6 concurrent acquirers', async () => {
    const coordination = createRedisCoordination(redis, prefix, { clonesPerNode: 2, pollMs: 5 });
    let holding = 0;
    let mostAtOnce = 0;
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const release = await coordination.acquireCloneSlot('pve1', `r_${i}`);
        holding++;
        mostAtOnce = Math.max(mostAtOnce, holding);
        await sleep(30);
        holding--;
        await release();
      }),
    );
    expect(mostAtOnce).toBe(2);
  });

  it('frees the slot of a holder that stopped renewing it', async () => {
    const coordination = createRedisCoordination(redis, prefix, { clonesPerNode: 1, slotTtlMs: 100, pollMs: 5 });
    await redis.zadd(`${prefix}:clone-slots:pve1`, Date.now() + 100, 'r_crashed');
    const release = await coordination.acquireCloneSlot('pve1', 'r_next');
    expect(await redis.zrange(`${prefix}:clone-slots:pve1`, 0, -1)).toEqual(['r_next']);
    await release();
  });

  it('claims a VMID for one run, which may claim it again', async () => {
    const coordination = createRedisCoordination(redis, prefix, { clonesPerNode: 2 });
    const claims = await Promise.all(['r_1', 'r_2', 'r_3'].map((runId) => coordination.claimVmid(9001, runId)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = ['r_1', 'r_2', 'r_3'][claims.indexOf(true)]!;
    expect(await coordination.claimVmid(9001, holder)).toBe(true);
    expect(await coordination.claimVmid(9002, 'r_other')).toBe(true);
  });
});

describe('fleet', () => {
  it('keeps one entry per runner name', async () => {
    const fleet = createRedisFleet(redis, prefix);
    const entry = {
      name: 'rb-02',
      vmid: 9002,
      node: 'pve1',
      ip: '10.0.0.2',
      profile: 'build',
      runnerId: 2,
      tags: ['docker'],
      provisionedAt: 1,
    };
    await fleet.upsert({ ...entry, name: 'rb-01', vmid: 9001 });
    await fleet.upsert(entry);
    await fleet.upsert({ ...entry, ip: '10.0.0.22' });
    expect((await fleet.list()).map((e) => [e.name, e.ip])).toEqual([
      ['rb-01', '10.0.0.2'],
      ['rb-02', '10.0.0.22'],
    ]);
    await fleet.remove('rb-01');
    expect(await fleet.get('rb-01')).toBeNull();
    expect((await fleet.get('rb-02'))?.vmid).toBe(9002);
  });
});
