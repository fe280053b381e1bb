// A worker process: `node --import tsx worker-process.ts <config.json>`. Runs the real
// startRunWorker with the processor the config names, prints one JSON event per line on stdout,
// and on SIGTERM shuts down gracefully and exits.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createStoreRedis } from '../../../../src/jobs/redis-connection.ts';
import { createRedisRunStore } from '../../../../src/jobs/redis-run-store.ts';
import { startRunWorker } from '../../../../src/jobs/run-worker.ts';
import type { ProcessorFactory, WorkerProcessConfig } from './worker-config.ts';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as WorkerProcessConfig;
const emit = (event: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ event, pid: process.pid, ...fields })}\n`);
const log = (level: string) => (fields: object, message: string) => emit('log', { level, message, ...fields });

const redis = createStoreRedis({ url: config.redisUrl });
const { createProcessor } = (await import(pathToFileURL(config.processorModule).href)) as {
  createProcessor: ProcessorFactory;
};
const processor = await createProcessor({ redis, prefix: config.prefix, options: config.processorOptions ?? {}, emit });

const worker = startRunWorker({
  redis: { url: config.redisUrl },
  prefix: config.prefix,
  queueName: config.queueName,
  concurrency: config.concurrency,
  runs: createRedisRunStore(redis, config.prefix),
  processor,
  drainMs: config.drainMs,
  maxBackoffMs: config.maxBackoffMs,
  jobLockMs: config.jobLockMs,
  stalledIntervalMs: config.stalledIntervalMs,
  lockTtlMs: config.lockTtlMs,
  busyRetryMs: config.busyRetryMs,
  logger: { info: log('info'), warn: log('warn'), error: log('error') },
});
await worker.worker.waitUntilReady();
emit('ready');

process.once('SIGTERM', () => {
  emit('stopping');
  void worker.stop().then(({ drained }) => {
    emit('stopped', { drained });
    redis.disconnect();
    process.exit(0);
  });
});
