// A forced switchover (SENTINEL FAILOVER): Sentinel promotes the replica while the old primary
// still runs and takes writes, until it is reconfigured as a replica and throws away what it took
// in between (seen here: hundreds of writes, some seconds' worth). Only writes a replica confirmed
// (WAIT, redis.replicasToAck) survive for sure, and that is all runnerbot acknowledges. The
// connection follows the new primary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../sandbox/free-port.ts';
import { createStoreRedis } from '../../src/jobs/redis-connection.ts';
import { replicasHolding } from '../../src/jobs/replica-ack.ts';
import { redisSchema } from '../../src/redis-config-schema.ts';
import { redisEndpoint } from '../../src/redis-endpoint.ts';
import type { Redis } from '../../src/redis.ts';
import { onNode } from './support/redis-process.ts';
import { startSentinelTopology, type Topology } from './support/topologies.ts';

const KEY = 'rbt-switch:log';
let topology: Topology;
let redis: Redis;
beforeAll(async () => {
  topology = await startSentinelTopology();
  redis = createStoreRedis(redisEndpoint(redisSchema.parse({ ...topology.redisConfig, prefix: 'rbt-switch' }), {}));
  redis.on('error', () => undefined);
});
afterAll(async () => {
  redis?.disconnect();
  await topology?.stop();
});

describe('SENTINEL FAILOVER', () => {
  it('keeps every write a replica confirmed, and the connection ends on the new primary', async () => {
    const before = await topology.primaryOf('');
    const confirmed: string[] = [];
    let sent = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        const value = String(++sent);
        try {
          await redis.rpush(KEY, value);
          if ((await replicasHolding(redis, KEY, { replicas: 1, timeoutMs: 200 })) >= 1) confirmed.push(value);
        } catch {
          // not acknowledged: the caller was told
        }
        await sleep(10);
      }
    })();
    const confirmedAtLeast = async (n: number) => {
      while (confirmed.length < n) await sleep(20);
    };
    await confirmedAtLeast(5);
    const sentinel = Number((topology.redisConfig.sentinel as { addresses: string[] }).addresses[0]!.split(':')[1]);
    await onNode(sentinel, (r) => r.call('SENTINEL', 'FAILOVER', 'rbt-ha'));
    let after = before;
    while (after === before) {
      await sleep(50);
      after = await topology.primaryOf('');
    }
    const port = after.split(':')[1]!;
    // Until runnerbot's connection is on the new primary and a replica confirmed writes there too.
    while (!(await redis.info('server').catch(() => '')).includes(`tcp_port:${port}`)) await sleep(50);
    await confirmedAtLeast(confirmed.length + 5);
    stop = true;
    await writer;

    const kept = new Set(await onNode(Number(port), (r) => r.lrange(KEY, 0, -1)));
    expect(confirmed.filter((value) => !kept.has(value))).toEqual([]);
    console.log(
      `[switchover] ${sent} writes sent, ${confirmed.length} confirmed by a replica (all kept), ${sent - kept.size} unconfirmed writes lost or refused`,
    );
  });
});
