// Where runnerbot's Redis is and how to reach it: one server (a URL), a primary watched by
// Sentinel, or a Redis Cluster. Every connection runnerbot opens, BullMQ's included, is made here.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisConfig } from './redis-config-schema.ts';
import type { ReadFile, Secrets } from './secrets.ts';

export interface HostPort {
  host: string;
  port: number;
}

/** Credentials and TLS of the data nodes found through Sentinel or Cluster. */
export interface NodeAccess {
  username?: string;
  password?: string;
  tls?: ConnectionOptions;
}

export type RedisEndpoint =
  | { url: string }
  | {
      sentinel: { addresses: HostPort[]; masterName: string; username?: string; password?: string; tls: boolean };
      node: NodeAccess;
    }
  | { cluster: { addresses: HostPort[] }; node: NodeAccess };

const hostPort = (address: string): HostPort => {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
};

export function redisEndpoint(
  redis: RedisConfig,
  secrets: Pick<Secrets, 'redisPassword' | 'redisSentinelPassword'>,
  readFile: ReadFile = (path) => readFileSync(path, 'utf8'),
): RedisEndpoint {
  if (!redis.sentinel && !redis.cluster) return { url: redis.url };
  const node: NodeAccess = {
    ...(redis.username ? { username: redis.username } : {}),
    ...(secrets.redisPassword ? { password: secrets.redisPassword } : {}),
    ...(redis.tls ? { tls: redis.caFile ? { ca: readFile(redis.caFile) } : {} } : {}),
  };
  if (redis.cluster) return { cluster: { addresses: redis.cluster.addresses.map(hostPort) }, node };
  const { addresses, masterName, username, tls } = redis.sentinel!;
  return {
    sentinel: {
      addresses: addresses.map(hostPort),
      masterName,
      tls,
      ...(username ? { username } : {}),
      ...(secrets.redisSentinelPassword ? { password: secrets.redisSentinelPassword } : {}),
    },
    node,
  };
}

/** For messages and logs: never a password. `redis://127.0.0.1:6379`, `sentinel mymaster via 10.0.0.1:26379,…`. */
export function describeEndpoint(endpoint: RedisEndpoint): string {
  const list = (addresses: HostPort[]) => addresses.map((a) => `${a.host}:${a.port}`).join(',');
  if ('url' in endpoint) return redactRedisUrl(endpoint.url);
  if ('sentinel' in endpoint)
    return `Sentinel master "${endpoint.sentinel.masterName}" via ${list(endpoint.sentinel.addresses)}`;
  return `Redis Cluster via ${list(endpoint.cluster.addresses)}`;
}

/** The URL without its password: `redis://:***@host:6379/0`. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'an unparseable Redis URL';
  }
}

// A write sent to a primary that Sentinel has just demoted answers READONLY: reconnect (to the new
// primary) and resend it. The write did not happen, so resending is safe.
const reconnectOnReadonly = (error: Error): 2 | false => (error.message.startsWith('READONLY') ? 2 : false);

/**
 * One connection. `options` are the per-connection ioredis options (retries, offline queue); on a
 * Cluster they apply to the cluster client and to each node. A Cluster is returned as `Redis`: it
 * answers every command runnerbot sends, and BullMQ recognises it by `isCluster`.
 */
export function connectRedis(endpoint: RedisEndpoint, options: RedisOptions = {}): Redis {
  if ('url' in endpoint) return new Redis(endpoint.url, { reconnectOnError: reconnectOnReadonly, ...options });
  const { username, password, tls } = endpoint.node;
  const node: RedisOptions = {
    ...options,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(tls ? { tls } : {}),
  };
  if ('sentinel' in endpoint) {
    const s = endpoint.sentinel;
    return new Redis({
      ...node,
      sentinels: s.addresses,
      name: s.masterName,
      ...(s.username ? { sentinelUsername: s.username } : {}),
      ...(s.password ? { sentinelPassword: s.password } : {}),
      ...(tls ? { enableTLSForSentinelMode: true } : {}),
      ...(s.tls ? { sentinelTLS: tls ?? {} } : {}),
      // No failoverDetector: its +switch-master handler, arriving while the client is already
      // reconnecting, aborts that connect and leaves the client closed for good (ioredis 5.11).
      // A dead primary drops the connection anyway, and a demoted one answers READONLY.
      reconnectOnError: reconnectOnReadonly,
    });
  }
  const cluster: ClusterOptions = {
    redisOptions: { ...node, reconnectOnError: reconnectOnReadonly },
    ...(options.enableOfflineQueue === false ? { enableOfflineQueue: false } : {}),
    // While a failed primary's replica is promoted, its slots answer CLUSTERDOWN or refuse connections.
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
    retryDelayOnTryAgain: 100,
    maxRedirections: 64,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // With TLS, connect by the names the cluster announces, which its certificates carry.
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  return new Cluster(endpoint.cluster.addresses, cluster) as unknown as Redis;
}

export const endpointMode = (endpoint: RedisEndpoint): 'standalone' | 'sentinel' | 'cluster' =>
  'url' in endpoint ? 'standalone' : 'sentinel' in endpoint ? 'sentinel' : 'cluster';
