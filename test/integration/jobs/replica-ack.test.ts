// Acknowledged means replicated: with redis.replicasToAck, a run is queued and an alert accepted
// only once a replica holds it; without the replica, the requester hears "unavailable" and nothing
// is left behind in the queue. /healthz's Redis facts say the same. Real redis-server processes (a
// primary and its replica) on ports of their own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../../sandbox/free-port.ts';
import { alertKeys } from '../../../src/jobs/alerts/keys.ts';
import { createRedisAlertIntake } from '../../../src/jobs/alerts/intake.ts';
import { createProducerRedis } from '../../../src/jobs/redis-connection.ts';
import { createRunQueue, type RunQueue } from '../../../src/jobs/run-queue.ts';
import { describeRedis } from '../../../src/redis-facts.ts';
import type { Redis } from '../../../src/redis.ts';
import { DURABLE, onNode, startRedisProcess, type RedisProcess } from '../../ha/support/redis-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'rbt-replica-ack-'));
const prefix = 'rbt-ack';
const ack = { replicas: 1, timeoutMs: 300 };
let primary: RedisProcess;
let replica: RedisProcess;
let producer: Redis;
let queue: RunQueue;

const node = (name: string, replicaOf?: number) => (port: number) => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--dir',
  dir,
  '--appendfilename',
  `${name}.aof`,
  '--appenddirname',
  `${name}-aof`,
  ...DURABLE,
  ...(replicaOf ? ['--replicaof', '127.0.0.1', String(replicaOf)] : []),
];
const replicaOnline = () =>
  onNode(primary.port, async (r) => /slave0:.*state=online/.test(await r.info('replication')));

beforeAll(async () => {
  primary = await startRedisProcess(node('primary'));
  replica = await startRedisProcess(node('replica', primary.port));
  while (!(await replicaOnline())) await sleep(25);
  const endpoint = { url: `redis://127.0.0.1:${primary.port}` };
  producer = createProducerRedis(endpoint);
  producer.on('error', () => undefined);
  queue = createRunQueue({ redis: endpoint, prefix, attempts: 1, backoffMs: 10, replicaAck: ack });
});

afterAll(async () => {
  await queue?.close();
  producer?.disconnect();
  await replica?.kill();
  await primary?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('with a replica in sync', () => {
  it('queues the run and accepts the alert; the facts name the primary and its replica', async () => {
    await queue.enqueueRun('run-replicated');
    expect(await queue.queue.getJob('run-replicated')).toBeTruthy();
    await createRedisAlertIntake(producer, prefix, ack).enqueue({
      receiver: 'r',
      status: 'firing',
      alerts: [],
    } as never);
    const facts = await describeRedis(producer, 'standalone', `${prefix}:health`);
    expect(facts).toMatchObject({
      mode: 'standalone',
      primary: `127.0.0.1:${primary.port}`,
      role: 'master',
      replicasInSync: 1,
    });
    expect(facts.replicas).toEqual([
      expect.objectContaining({ address: `127.0.0.1:${replica.port}`, state: 'online', inSync: true }),
    ]);
  });
});

describe('with the replica gone', () => {
  it('refuses to queue the run, leaves no job behind, answers the alert with an error; the facts show no replica in sync', async () => {
    await replica.kill();
    while (await replicaOnline()) await sleep(25);
    await expect(queue.enqueueRun('run-unreplicated')).rejects.toMatchObject({
      code: 'QUEUE.UNAVAILABLE',
      message: expect.stringContaining('only 0 of 1 Redis replicas'),
    });
    expect(await queue.queue.getJob('run-unreplicated')).toBeUndefined();
    const before = await producer.xlen(alertKeys(prefix).intake);
    await expect(
      createRedisAlertIntake(producer, prefix, ack).enqueue({ receiver: 'r', status: 'firing', alerts: [] } as never),
    ).rejects.toThrow(/only 0 of 1 Redis replicas/);
    // The entry stays (a re-sent notification is deduplicated downstream); what matters is no 202.
    expect(await producer.xlen(alertKeys(prefix).intake)).toBe(before + 1);
    expect(await describeRedis(producer, 'standalone', `${prefix}:health`)).toMatchObject({ replicasInSync: 0 });
  });

  it('still queues at once when no replica is asked for (replicasToAck: 0)', async () => {
    const plain = createRunQueue({
      redis: { url: `redis://127.0.0.1:${primary.port}` },
      prefix: `${prefix}-noack`,
      attempts: 1,
      backoffMs: 10,
    });
    try {
      await plain.enqueueRun('run-plain');
      expect(await plain.queue.getJob('run-plain')).toBeTruthy();
    } finally {
      await plain.close();
    }
  });
});
