// The configuration file a worker process is started with (JSON), and the processor-module
// contract: the module named in `processorModule` exports `createProcessor`.
import type { Redis } from 'ioredis';
import type { RunProcessor } from '../../../../src/jobs/job-processor.ts';

export interface WorkerProcessConfig {
  redisUrl: string;
  prefix: string;
  queueName?: string;
  concurrency: number;
  drainMs: number;
  maxBackoffMs: number;
  jobLockMs?: number;
  stalledIntervalMs?: number;
  lockTtlMs?: number;
  busyRetryMs?: number;
  /** Absolute path of a module exporting `createProcessor: ProcessorFactory`. */
  processorModule: string;
  /** Passed to the factory as is. */
  processorOptions?: Record<string, unknown>;
}

export interface ProcessorContext {
  /** A store connection of the worker process' own. */
  redis: Redis;
  prefix: string;
  options: Record<string, unknown>;
  /** Writes one event line to stdout, which `startWorkerProcess` parses. */
  emit: (event: string, fields?: Record<string, unknown>) => void;
}

export type ProcessorFactory = (context: ProcessorContext) => RunProcessor | Promise<RunProcessor>;
