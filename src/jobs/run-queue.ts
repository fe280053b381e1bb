// The producer side of the `runner-jobs` queue. Job data is only the run id, and the job id is
// the run id, so enqueueing one run twice adds one job.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RunnerbotError, transient } from '../core/errors.ts';
import type { JobQueue } from '../core/ports.ts';
import { BACKOFF_TYPE } from './backoff.ts';
import { createProducerRedis, disconnectProducer, type RedisEndpoint } from './redis-connection.ts';
import { RUN_QUEUE_NAME } from './redis-keys.ts';
import type { JobLookup } from './stranded-runs.ts';
import { NO_REPLICA_ACK, replicasHolding, type ReplicaAck } from './replica-ack.ts';

export interface RunJobData {
  runId: string;
}

export interface RunQueueOptions {
  redis: RedisEndpoint;
  prefix: string;
  attempts: number;
  /** The first retry's delay; later ones double, up to the worker's `maxBackoffMs`. */
  backoffMs: number;
  /** How long an enqueue may take before the requester is told the queue is unavailable. */
  enqueueTimeoutMs?: number;
  queueName?: string;
  onError?: (error: Error) => void;
  /** A run counts as queued only once this many replicas hold its job (and its run record). */
  replicaAck?: ReplicaAck;
}

export interface RunQueue extends JobQueue, JobLookup {
  readonly queue: Queue<RunJobData>;
  close(): Promise<void>;
}

const HOUR = 3600;
/** Connection states in which an enqueue cannot succeed; while first connecting, it may. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

export function createRunQueue(options: RunQueueOptions): RunQueue {
  const connection: Redis = createProducerRedis(options.redis);
  connection.on('error', () => undefined); // reported per enqueue, as QUEUE.UNAVAILABLE
  const queue = new Queue<RunJobData>(options.queueName ?? RUN_QUEUE_NAME, {
    connection,
    prefix: options.prefix,
    // BullMQ's version check sends INFO as the connection comes up; without an offline queue it
    // fails if the queue is closed (or Redis drops) first, and the failure surfaces unhandled.
    // runnerbot checks the server itself at start-up (src/redis.ts).
    skipVersionCheck: true,
    defaultJobOptions: {
      attempts: options.attempts,
      backoff: { type: BACKOFF_TYPE, delay: options.backoffMs },
      removeOnComplete: { age: 24 * HOUR, count: 10_000 },
      removeOnFail: { age: 30 * 24 * HOUR, count: 10_000 },
    },
  });
  queue.on('error', (error) => options.onError?.(error));
  const timeoutMs = options.enqueueTimeoutMs ?? 3000;
  const ack = options.replicaAck ?? NO_REPLICA_ACK;
  const queueKey = `${options.prefix}:${queue.name}:meta`;

  /** Not on enough replicas: take the job back while no worker has it; a running job stays queued. */
  async function confirmReplicated(runId: string): Promise<void> {
    const held = await replicasHolding(connection, queueKey, ack);
    if (held >= ack.replicas) return;
    if ((await queue.remove(runId)) === 1)
      throw unavailable(`only ${held} of ${ack.replicas} Redis replicas confirmed it within ${ack.timeoutMs} ms`);
  }

  return {
    queue,
    async enqueueRun(runId) {
      if (DOWN.has(connection.status)) throw unavailable(`Redis is ${connection.status}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([
          queue.add('run', { runId }, { jobId: runId }).then(() => confirmReplicated(runId)),
          timeout,
        ]);
      } catch (error) {
        throw error instanceof RunnerbotError ? error : unavailable((error as Error).message, error);
      } finally {
        clearTimeout(timer);
      }
    },
    async hasJob(runId) {
      return (await queue.getJob(runId)) !== undefined;
    },
    async close() {
      await queue.close().catch(() => undefined);
      await disconnectProducer(connection);
    },
  };
}

const unavailable = (why: string, cause?: unknown): RunnerbotError =>
  transient('QUEUE.UNAVAILABLE', `queue unavailable (${why}); nothing was started, try again shortly`, cause);
