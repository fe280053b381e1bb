// Issue 12, finding 1: a clone slot lives as long as its holder's lease (the run's runner lock),
// not as long as a timer. A worker killed mid-clone used to keep its node's slot for 60 s, and the
// run resumed elsewhere never gave it back.
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedisCoordination } from '../../../src/jobs/redis-coordination.ts';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { acquireRunnerLock } from '../../../src/jobs/runner-lock.ts';
import { runRecord } from '../../support/run-record.ts';
import { withTestRedis } from './harness/test-redis.ts';

let redis: Redis;
let prefix: string;
withTestRedis((r, p) => ((redis = r), (prefix = p)));

/** One slot per node, held for the default 60 s unless its lease says otherwise. */
const coordination = () => createRedisCoordination(redis, prefix, { clonesPerNode: 1, pollMs: 20 });
/** Waits for a slot at most `ms`: long enough for a free slot, far too short for a 60 s expiry. */
const within = (ms: number) => AbortSignal.timeout(ms);

async function runHoldingLock(runId: string, runner: string) {
  await createRedisRunStore(redis, prefix).create(runRecord({ id: runId, runner, plan: ['clone'] }));
  const lock = await acquireRunnerLock(redis, prefix, runner, 10_000);
  if (!lock) throw new Error(`${runner} is locked`);
  return lock;
}

/** What a SIGKILL leaves: the lock stops being renewed and lapses (here at once). */
const lapse = (runner: string) => redis.del(`${prefix}:lock:${runner}`);

describe('clone slots held by leases', () => {
  it("keeps a live holder's slot: the next run waits", async () => {
    const lock = await runHoldingLock('r_a', 'gitlab-runner-50');
    await coordination().acquireCloneSlot('pve1', 'r_a');
    await runHoldingLock('r_b', 'gitlab-runner-51');
    await expect(coordination().acquireCloneSlot('pve1', 'r_b', within(600))).rejects.toMatchObject({
      code: 'STEP.TRANSIENT',
    });
    await lock.release();
  });

  it("gives a crashed holder's slot to the next run as soon as its lock has lapsed", async () => {
    const lock = await runHoldingLock('r_a', 'gitlab-runner-52');
    await coordination().acquireCloneSlot('pve1', 'r_a');
    await lock.release(); // stop renewing
    await lapse('gitlab-runner-52');

    await runHoldingLock('r_b', 'gitlab-runner-53');
    const release = await coordination().acquireCloneSlot('pve1', 'r_b', within(3_000));
    expect(await redis.zrange(`${prefix}:clone-slots:pve1`, 0, -1)).toEqual(['r_b']);
    await release();
  });

  it('frees the slot of a run that resumed on another worker under a new lock and took no slot there', async () => {
    const first = await runHoldingLock('r_a', 'gitlab-runner-54');
    await coordination().acquireCloneSlot('pve1', 'r_a');
    await first.release();
    await lapse('gitlab-runner-54');
    const resumed = await acquireRunnerLock(redis, prefix, 'gitlab-runner-54', 10_000);
    expect(resumed!.fencingToken).toBeGreaterThan(first.fencingToken);

    await runHoldingLock('r_b', 'gitlab-runner-55');
    const release = await coordination().acquireCloneSlot('pve1', 'r_b', within(3_000));
    expect(await redis.zrange(`${prefix}:clone-slots:pve1`, 0, -1)).toEqual(['r_b']);
    await release();
    await resumed!.release();
  });
});
