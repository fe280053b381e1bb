import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { RunStore } from '../../../src/core/ports.ts';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { connectTestRedis, withTestRedis } from './harness/test-redis.ts';
import { queuedRun } from './harness/step-recorder.ts';

let redis: Redis;
let prefix: string;

withTestRedis((r, p) => ((redis = r), (prefix = p)));

describe('Redis RunStore', () => {
  it('creates one run when two requests for one runner arrive at once, and tells the other which run is active', async () => {
    const connections = [connectTestRedis(), connectTestRedis()];
    const [a, b] = connections.map((connection) => createRedisRunStore(connection, prefix)) as [RunStore, RunStore];
    const results = await Promise.all([
      a.create(queuedRun('r_a', 'gitlab-runner-02', ['find-vm'])),
      b.create(queuedRun('r_b', 'gitlab-runner-02', ['find-vm'])),
    ]);

    const created = results.filter((r) => r.created);
    const refused = results.filter((r) => !r.created);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const winner = results[0]!.created ? 'r_a' : 'r_b';
    expect(refused[0]).toEqual({ created: false, activeRunId: winner });
    expect((await a.activeFor('gitlab-runner-02'))?.id).toBe(winner);
    expect(await a.get(winner === 'r_a' ? 'r_b' : 'r_a')).toBeNull();
    for (const connection of connections) connection.disconnect();
  });

  it('round-trips the record, merges outputs key by key, and frees the name when the run finishes', async () => {
    const runs = createRedisRunStore(redis, prefix, { now: () => 5_000 });
    const run = queuedRun('r_1', 'gitlab-runner-03', ['find-vm', 'reserve-vmid'], 1_000);
    await runs.create(run);
    expect(await runs.get('r_1')).toEqual(run);

    await runs.update('r_1', { status: 'running', outputs: { node: 'pve1' } });
    const updated = await runs.update('r_1', { checkpoint: 1, outputs: { vmid: 9001 } });
    expect(updated).toMatchObject({
      status: 'running',
      checkpoint: 1,
      outputs: { node: 'pve1', vmid: 9001 },
      updatedAt: 5_000,
    });

    const cleared = await runs
      .update('r_1', { error: { code: 'STEP.TRANSIENT', message: 'x' } })
      .then(() => runs.update('r_1', { error: undefined }));
    expect(cleared.error).toBeUndefined();

    const finished = await runs.finish('r_1', 'succeeded', { outputs: { ip: '10.0.0.5' } });
    expect(finished).toMatchObject({
      status: 'succeeded',
      finishedAt: 5_000,
      outputs: { node: 'pve1', vmid: 9001, ip: '10.0.0.5' },
    });
    expect(await runs.activeFor('gitlab-runner-03')).toBeNull();
    expect(await runs.create(queuedRun('r_2', 'gitlab-runner-03', ['find-vm']))).toEqual({ created: true });
  });

  it('does not free the name from a run that no longer holds it', async () => {
    const runs = createRedisRunStore(redis, prefix);
    await runs.create(queuedRun('r_old', 'gitlab-runner-04', ['find-vm']));
    await runs.finish('r_old', 'failed');
    await runs.create(queuedRun('r_new', 'gitlab-runner-04', ['find-vm']));
    await runs.finish('r_old', 'failed');
    expect((await runs.activeFor('gitlab-runner-04'))?.id).toBe('r_new');
  });

  it('lists recent runs, newest first, overall and per runner', async () => {
    const runs = createRedisRunStore(redis, prefix);
    await runs.create(queuedRun('r_1', 'alpha', ['find-vm'], 1));
    await runs.finish('r_1', 'succeeded');
    await runs.create(queuedRun('r_2', 'beta', ['find-vm'], 2));
    await runs.create(queuedRun('r_3', 'alpha', ['find-vm'], 3));
    expect((await runs.recent(10)).map((r) => r.id)).toEqual(['r_3', 'r_2', 'r_1']);
    expect((await runs.recent(10, 'alpha')).map((r) => r.id)).toEqual(['r_3', 'r_1']);
    expect((await runs.recent(1)).map((r) => r.id)).toEqual(['r_3']);
  });

  it('refuses to update a run that does not exist', async () => {
    const runs = createRedisRunStore(redis, prefix);
    await expect(runs.update('r_missing', { checkpoint: 1 })).rejects.toMatchObject({ code: 'RUN.NOT_FOUND' });
    await expect(runs.finish('r_missing', 'failed')).rejects.toMatchObject({ code: 'RUN.NOT_FOUND' });
  });
});
