// The three kinds of Redis connection runnerbot opens. The producer must fail fast when Redis is
// away (a requester gets "queue unavailable", never a hang); workers must wait it out.
import type { Redis } from 'ioredis';
import { connectRedis, type RedisEndpoint } from '../redis-endpoint.ts';

export type { RedisEndpoint };

const reconnectDelay = (attempt: number): number => Math.min(attempt * 200, 2000);

/** For enqueueing: no offline queue, so a command fails at once while disconnected. */
export function createProducerRedis(endpoint: RedisEndpoint): Redis {
  return connectRedis(endpoint, {
    enableOfflineQueue: false,
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: reconnectDelay,
  });
}

/** How long a closing producer waits for its connection to finish coming up. */
const SETTLE_MS = 2000;

/**
 * Disconnects a producer connection, first letting one that is still coming up finish (or fail):
 * ioredis sends its ready check (INFO) after the socket connects, and on a connection without an
 * offline queue that check rejects unhandled when the socket was closed under it.
 */
export async function disconnectProducer(redis: Redis): Promise<void> {
  if (redis.status === 'connecting' || redis.status === 'connect') {
    await new Promise<void>((resolve) => {
      const settled = () => {
        clearTimeout(timer);
        for (const event of ['ready', 'error', 'end']) redis.off(event, settled);
        resolve();
      };
      const timer = setTimeout(settled, SETTLE_MS);
      for (const event of ['ready', 'error', 'end']) redis.once(event, settled);
    });
  }
  redis.disconnect();
}

/** For BullMQ workers: blocking commands and retries forever, as BullMQ requires. */
export function createWorkerRedis(endpoint: RedisEndpoint): Redis {
  return connectRedis(endpoint, { maxRetriesPerRequest: null, retryStrategy: reconnectDelay });
}

/** For the stores (runs, approvals, audit, locks): a few retries, then an error. */
export function createStoreRedis(endpoint: RedisEndpoint): Redis {
  return connectRedis(endpoint, { connectTimeout: 2000, maxRetriesPerRequest: 2, retryStrategy: reconnectDelay });
}
