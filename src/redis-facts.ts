// Which Redis primary runnerbot is using and whether its replicas keep up: for /healthz and
// `runnerbot doctor`. Asked of the primary that holds runnerbot's keys, on runnerbot's connection.
import type { Redis } from 'ioredis';

export interface ReplicaFacts {
  address: string;
  /** `online` once the replica has loaded the primary's data and streams from it. */
  state: string;
  /** Bytes of the primary's replication stream the replica has not confirmed yet. */
  lagBytes: number;
  /** Seconds since the replica last confirmed (it does so every second). */
  lastAckSeconds: number;
  inSync: boolean;
}

export interface RedisFacts {
  mode: 'standalone' | 'sentinel' | 'cluster';
  /** `host:port` of the primary as runnerbot reaches it. */
  primary: string;
  role: string;
  replicas: ReplicaFacts[];
  replicasInSync: number;
}

/** A replica that confirmed within this many seconds, online, counts as in sync. */
const IN_SYNC_ACK_SECONDS = 2;

/** Parses `INFO replication`. */
export function parseReplication(info: string): { role: string; offset: number; replicas: ReplicaFacts[] } {
  const fields = new Map(
    info
      .split(/\r?\n/)
      .map((line) => line.split(':', 2) as [string, string])
      .filter(([, value]) => value !== undefined),
  );
  const offset = Number(fields.get('master_repl_offset') ?? 0);
  const replicas: ReplicaFacts[] = [];
  for (const [name, value] of fields) {
    if (!/^slave\d+$/.test(name)) continue;
    const f = new Map(value.split(',').map((pair) => pair.split('=', 2) as [string, string]));
    const state = f.get('state') ?? 'unknown';
    const lagBytes = Math.max(0, offset - Number(f.get('offset') ?? 0));
    const lastAckSeconds = Number(f.get('lag') ?? Infinity);
    replicas.push({
      address: `${f.get('ip')}:${f.get('port')}`,
      state,
      lagBytes,
      lastAckSeconds,
      inSync: state === 'online' && lastAckSeconds <= IN_SYNC_ACK_SECONDS,
    });
  }
  return { role: fields.get('role') ?? 'unknown', offset, replicas };
}

const localAddress = (clientInfo: string): string => /\bladdr=(\S+)/.exec(clientInfo)?.[1] ?? 'unknown';

/** `key` is any key under runnerbot's prefix: on a Cluster, the facts come from its slot's primary. */
export async function describeRedis(redis: Redis, mode: RedisFacts['mode'], key: string): Promise<RedisFacts> {
  const results = (await redis.pipeline().exists(key).client('INFO').info('replication').exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  const [, clientInfo] = results[1] as [null, string];
  const [, info] = results[2] as [null, string];
  const { role, replicas } = parseReplication(info);
  return {
    mode,
    primary: localAddress(clientInfo),
    role,
    replicas,
    replicasInSync: replicas.filter((r) => r.inSync).length,
  };
}
