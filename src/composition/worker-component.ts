// The worker role: the BullMQ worker running each run's plan, plus the periodic chores every
// worker shares (expiring approvals, requeueing stranded requests, the queue-depth gauge, the
// pool reconciler and the token rotation schedule, each under its lease). Safe to run in any number of processes.
import { expireApprovals } from '../app/expire-approvals.ts';
import { failAbandonedRun } from '../app/fail-abandoned-run.ts';
import { runJob } from '../app/run-job.ts';
import { STEPS } from '../app/steps/index.ts';
import type { StepDeps } from '../app/steps/step.ts';
import type { Config } from '../config.ts';
import type { Notifier } from '../core/ports.ts';
import { recordQueueDepth } from '../jobs/queue-gauge.ts';
import { startRunWorker, type RunWorker } from '../jobs/run-worker.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { systemClock } from '../system.ts';
import type { Component } from './component.ts';
import { startPoolReconciler, type PoolReconciler } from './pool-reconciler.ts';
import { startRotationSchedule, type RotationSchedule } from './rotation-schedule.ts';
import type { Stores } from './stores.ts';

const CHORE_INTERVAL_MS = 15_000;

export interface WorkerComponentDeps {
  config: Config;
  stores: Stores;
  stepDeps: StepDeps;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
}

export function workerComponent({
  config,
  stores,
  stepDeps,
  notifier,
  logger,
  metrics,
}: WorkerComponentDeps): Component {
  const runDeps = { runs: stores.runs, steps: STEPS, stepDeps, notifier, audit: stores.audit, clock: systemClock };
  let worker: RunWorker | undefined;
  let chores: NodeJS.Timeout | undefined;
  let pools: PoolReconciler | undefined;
  let rotations: RotationSchedule | null = null;

  const doChores = async () => {
    await expireApprovals({ ...stores, notifier, clock: systemClock }).catch((err: unknown) =>
      logger.warn({ err }, 'expiring approvals failed'),
    );
    await stores
      .requeueStranded(systemClock.now)
      .then(
        (runIds) =>
          runIds.length > 0 &&
          logger.warn({ runIds }, 'queued runs had no job (their requester crashed); enqueued them'),
      )
      .catch((err: unknown) => logger.warn({ err }, 'sweeping stranded runs failed'));
    await recordQueueDepth(stores.queue.queue, metrics.queueJobs).catch((err: unknown) =>
      logger.debug({ err }, 'queue depth unavailable'),
    );
  };

  return {
    name: 'worker',
    // The running steps may finish first (worker.drainSeconds), then closing takes a moment.
    stopTimeoutMs: config.worker.drainSeconds * 1000 + 5_000,
    async start() {
      worker = startRunWorker({
        redis: stores.redisEndpoint,
        prefix: config.redis.prefix,
        concurrency: config.worker.concurrency,
        runs: stores.runs,
        processor: (input) => runJob(runDeps, input),
        drainMs: config.worker.drainSeconds * 1000,
        jobLockMs: config.worker.jobLockSeconds * 1000,
        stalledIntervalMs: config.worker.stalledIntervalSeconds * 1000,
        maxBackoffMs: config.worker.maxBackoffMs,
        logger,
        onGaveUp: async (runId, reason) => void (await failAbandonedRun(runDeps, runId, reason)),
      });
      pools = startPoolReconciler(
        config,
        stores,
        { hypervisor: stepDeps.hypervisor, registry: stepDeps.registry, notifier },
        logger,
      );
      rotations = startRotationSchedule(config, stores, notifier, logger);
      chores = setInterval(() => void doChores(), CHORE_INTERVAL_MS);
      chores.unref();
      void doChores();
    },
    async stop() {
      clearInterval(chores);
      pools?.stop();
      rotations?.stop();
      const result = await worker?.stop();
      if (result && !result.drained)
        logger.warn('the running steps did not finish within worker.drainSeconds; their runs resume on another worker');
      await Promise.race([stores.queue.close(), systemClock.sleep(2_000)]);
    },
  };
}
