// Copies the run queue's job counts into the `runnerbot_queue_jobs{state}` gauge.
import type { Queue } from 'bullmq';
import type { Gauge } from 'prom-client';

export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'paused',
  'waiting-children',
  'completed',
  'failed',
] as const;

export async function recordQueueDepth(queue: Pick<Queue, 'getJobCounts'>, gauge: Gauge<'state'>): Promise<void> {
  const counts = await queue.getJobCounts(...QUEUE_STATES);
  for (const state of QUEUE_STATES) gauge.set({ state }, counts[state] ?? 0);
}
