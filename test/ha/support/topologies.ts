// The two highly available Redis set-ups the failover suite runs against, on loopback:
// - sentinel: a primary, a replica and three sentinels (quorum 2);
// - cluster: three primaries, each with one replica.
// Each can kill the primary that holds runnerbot's keys and says which node took over.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../../sandbox/free-port.ts';
import { DURABLE, onNode, startRedisProcess, type RedisProcess } from './redis-process.ts';

export interface Topology {
  name: 'sentinel' | 'cluster';
  /** The `redis` section of runnerbot.yaml (without prefix). */
  redisConfig: Record<string, unknown>;
  /** SIGKILLs the primary holding `key`'s slot; resolves with its address. */
  killPrimaryOf(key: string): Promise<string>;
  /** The address of the primary holding `key` now, as the topology itself reports it. */
  primaryOf(key: string): Promise<string>;
  /** Restarts every killed node (it rejoins as a replica). */
  restartKilled(): Promise<void>;
  stop(): Promise<void>;
}

const MASTER = 'rbt-ha';

export async function startSentinelTopology(): Promise<Topology> {
  const dir = mkdtempSync(join(tmpdir(), 'rbt-ha-sentinel-'));
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
  const primary = await startRedisProcess(node('a'));
  const replica = await startRedisProcess(node('b', primary.port));
  const sentinels: RedisProcess[] = [];
  for (let i = 0; i < 3; i++) {
    sentinels.push(
      await startRedisProcess(
        (port) => {
          const file = join(dir, `sentinel-${port}.conf`);
          writeFileSync(
            file,
            [
              `port ${port}`,
              'bind 127.0.0.1',
              `dir ${dir}`,
              `sentinel monitor ${MASTER} 127.0.0.1 ${primary.port} 2`,
              `sentinel down-after-milliseconds ${MASTER} 1000`,
              `sentinel failover-timeout ${MASTER} 4000`,
              `sentinel parallel-syncs ${MASTER} 1`,
            ].join('\n') + '\n',
          );
          return [file];
        },
        { binary: 'redis-sentinel' },
      ),
    );
  }
  const nodes = [primary, replica];
  const killed: RedisProcess[] = [];
  const askSentinel = () =>
    onNode(
      sentinels.find((s) => s.running())!.port,
      (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER) as Promise<[string, string]>,
    );
  // The replica must be in sync and known to the sentinels before anything fails.
  for (let i = 0; i < 200; i++) {
    const synced = await onNode(primary.port, async (r) => /slave0:.*state=online/.test(await r.info('replication')));
    const known = await onNode(
      sentinels[0]!.port,
      async (r) => ((await r.call('SENTINEL', 'REPLICAS', MASTER)) as unknown[]).length > 0,
    );
    if (synced && known) break;
    await sleep(50);
  }
  return {
    name: 'sentinel',
    redisConfig: { sentinel: { addresses: sentinels.map((s) => s.address), masterName: MASTER } },
    async primaryOf() {
      const [host, port] = await askSentinel();
      return `${host}:${port}`;
    },
    async killPrimaryOf() {
      const [, port] = await askSentinel();
      const victim = nodes.find((n) => n.port === Number(port))!;
      await victim.kill();
      killed.push(victim);
      return victim.address;
    },
    async restartKilled() {
      for (const n of killed.splice(0)) await n.restart();
    },
    async stop() {
      for (const p of [...sentinels, ...nodes]) await p.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startClusterTopology(): Promise<Topology> {
  const dir = mkdtempSync(join(tmpdir(), 'rbt-ha-cluster-'));
  const nodes: RedisProcess[] = [];
  for (let i = 0; i < 6; i++) {
    nodes.push(
      await startRedisProcess((port) => [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendfilename',
        `n${port}.aof`,
        '--appenddirname',
        `n${port}-aof`,
        ...DURABLE,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '1000',
      ]),
    );
  }
  const primaries = nodes.slice(0, 3);
  const replicas = nodes.slice(3);
  // Slots split in three, each primary with one replica; the nodes meet through the first.
  const ranges = [
    [0, 5460],
    [5461, 10922],
    [10923, 16383],
  ] as const;
  await Promise.all(
    primaries.map((p, i) => onNode(p.port, (r) => r.call('CLUSTER', 'ADDSLOTSRANGE', ranges[i]![0], ranges[i]![1]))),
  );
  for (const n of nodes.slice(1)) await onNode(n.port, (r) => r.call('CLUSTER', 'MEET', '127.0.0.1', nodes[0]!.port));
  const idOf = (port: number) => onNode(port, (r) => r.call('CLUSTER', 'MYID') as Promise<string>);
  const primaryIds = await Promise.all(primaries.map((p) => idOf(p.port)));
  for (let i = 0; i < 3; i++) {
    // A node can replicate a primary only once it knows it.
    for (let attempt = 0; ; attempt++) {
      try {
        await onNode(replicas[i]!.port, (r) => r.call('CLUSTER', 'REPLICATE', primaryIds[i]!));
        break;
      } catch (error) {
        if (attempt > 200) throw error;
        await sleep(50);
      }
    }
  }
  const killed: RedisProcess[] = [];
  const slotOwner = async (key: string): Promise<string> => {
    const alive = nodes.find((n) => n.running())!;
    return onNode(alive.port, async (r) => {
      const slot = (await r.call('CLUSTER', 'KEYSLOT', key)) as number;
      const slots = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      const owner = slots.find(([from, to]) => slot >= from && slot <= to)!;
      return `${owner[2][0]}:${owner[2][1]}`;
    });
  };
  for (let i = 0; i < 400; i++) {
    const ok = await Promise.all(
      nodes.map((n) =>
        onNode(n.port, async (r) => /cluster_state:ok/.test((await r.call('CLUSTER', 'INFO')) as string)),
      ),
    );
    const synced = await Promise.all(
      primaries.map((p) => onNode(p.port, async (r) => /slave0:.*state=online/.test(await r.info('replication')))),
    );
    if (ok.every(Boolean) && synced.every(Boolean)) break;
    await sleep(50);
  }
  return {
    name: 'cluster',
    redisConfig: { cluster: { addresses: primaries.map((p) => p.address) } },
    primaryOf: slotOwner,
    async killPrimaryOf(key) {
      const address = await slotOwner(key);
      const victim = nodes.find((n) => n.address === address)!;
      await victim.kill();
      killed.push(victim);
      return address;
    },
    async restartKilled() {
      for (const n of killed.splice(0)) await n.restart();
    },
    async stop() {
      for (const n of nodes) await n.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
