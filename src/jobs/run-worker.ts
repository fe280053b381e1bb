// The consumer side of `runner-jobs`: a BullMQ Worker running each job through the job processor,
// with stalled-job recovery and a graceful, bounded shutdown.
import { UnrecoverableError, Worker } from 'bullmq';
import type { RunStore } from '../core/ports.ts';
import { retryDelay } from './backoff.ts';
import { createJobProcessor, RunEndedError, type RunProcessor } from './job-processor.ts';
import { createStoreRedis, createWorkerRedis, type RedisEndpoint } from './redis-connection.ts';
import { RUN_QUEUE_NAME } from './redis-keys.ts';
import type { RunJobData } from './run-queue.ts';

export interface WorkerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface RunWorkerOptions {
  redis: RedisEndpoint;
  prefix: string;
  queueName?: string;
  concurrency: number;
  runs: Pick<RunStore, 'get'>;
  processor: RunProcessor;
  /** On SIGTERM, how long the running steps may take to finish before the worker closes anyway. */
  drainMs: number;
  maxBackoffMs: number;
  logger: WorkerLogger;
  /** Runner lock expiry; renewed every third of it while held. */
  lockTtlMs?: number;
  /** BullMQ job lock; a job whose lock lapses is "stalled" and handed to another worker. */
  jobLockMs?: number;
  stalledIntervalMs?: number;
  busyRetryMs?: number;
  /** A job ended without the processor ending its run (stalled too often, crashed on its last try). */
  onGaveUp?: (runId: string, reason: string) => Promise<void>;
}

export interface RunWorker {
  readonly worker: Worker<RunJobData>;
  /** Stops taking jobs, lets running steps finish up to `drainMs`, closes. */
  stop(): Promise<{ drained: boolean }>;
}

export function startRunWorker(options: RunWorkerOptions): RunWorker {
  const jobLockMs = options.jobLockMs ?? 30_000;
  const connection = createWorkerRedis(options.redis);
  const lockRedis = createStoreRedis(options.redis);
  const running = new Set<AbortController>();
  let stopping = false;

  const processor = createJobProcessor({
    runs: options.runs,
    processor: options.processor,
    lockRedis,
    prefix: options.prefix,
    lockTtlMs: options.lockTtlMs ?? jobLockMs,
    busyRetryMs: options.busyRetryMs ?? 5_000,
    stopping: () => stopping,
    track: (controller) => {
      running.add(controller);
      return () => running.delete(controller);
    },
  });

  const worker = new Worker<RunJobData>(options.queueName ?? RUN_QUEUE_NAME, processor, {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: jobLockMs,
    lockRenewTime: Math.floor(jobLockMs / 3),
    stalledInterval: options.stalledIntervalMs ?? Math.floor(jobLockMs / 2),
    maxStalledCount: CRASHES_ARE_NOT_ATTEMPTS,
    settings: {
      backoffStrategy: (attemptsMade, _type, _error, job) =>
        retryDelay(attemptsMade, {
          baseMs: job?.opts.backoff && typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 5_000) : 5_000,
          maxMs: options.maxBackoffMs,
        }),
    },
  });
  worker.on('error', (error) => options.logger.error({ err: error.message }, 'run worker error'));
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final =
      error instanceof UnrecoverableError ||
      error.name === 'UnrecoverableError' ||
      job.attemptsMade >= (job.opts.attempts ?? 1);
    options.logger.warn({ runId: job.data.runId, err: error.message, final }, 'run job failed');
    if (final && !(error instanceof RunEndedError))
      void options.onGaveUp?.(job.data.runId, error.message).catch(() => undefined);
  });

  return {
    worker,
    async stop() {
      stopping = true;
      // With Redis gone, BullMQ's pause and close wait for a reconnect that may never come.
      const redisUp = connection.status === 'ready';
      await (redisUp ? worker.pause(true) : bounded(worker.pause(true), REDIS_GRACE_MS));
      for (const controller of running) controller.abort();
      const drained = await waitUntil(() => running.size === 0, options.drainMs);
      options.logger.info({ drained, abandoned: running.size }, 'run worker stopping');
      await (redisUp ? worker.close(!drained) : bounded(worker.close(!drained), REDIS_GRACE_MS));
      connection.disconnect();
      lockRedis.disconnect();
      return { drained };
    },
  };
}

const REDIS_GRACE_MS = 2_000;

// A job "stalls" when the worker running it dies (SIGKILL, OOM, a lost host). That costs the run
// time, never an attempt: BullMQ's stall limit would otherwise fail a run that merely met several
// crashes, with no clean-up and no `job-end` audit entry. Only errors spend attempts.
const CRASHES_ARE_NOT_ATTEMPTS = 1_000_000_000;

/** Waits for `promise`, but no longer than `ms`; its outcome is then ignored. */
function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return done();
}
