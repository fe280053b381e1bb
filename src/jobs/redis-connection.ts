// The three kinds of Redis connection runnerbot opens. The producer must fail fast when Redis is
// away (a requester gets "queue unavailable", never a hang); workers must wait it out.
import { Redis } from 'ioredis';

export interface RedisEndpoint {
  url: string;
}

const reconnectDelay = (attempt: number): number => Math.min(attempt * 200, 2000);

/** For enqueueing: no offline queue, so a command fails at once while disconnected. */
export function createProducerRedis(endpoint: RedisEndpoint): Redis {
  return new Redis(endpoint.url, {
    enableOfflineQueue: false,
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: reconnectDelay,
  });
}

/** For BullMQ workers: blocking commands and retries forever, as BullMQ requires. */
export function createWorkerRedis(endpoint: RedisEndpoint): Redis {
  return new Redis(endpoint.url, { maxRetriesPerRequest: null, retryStrategy: reconnectDelay });
}

/** For the stores (runs, approvals, audit, locks): a few retries, then an error. */
export function createStoreRedis(endpoint: RedisEndpoint): Redis {
  return new Redis(endpoint.url, { connectTimeout: 2000, maxRetriesPerRequest: 2, retryStrategy: reconnectDelay });
}
