// Notifiers that watch every run in this process: one log line per event, and the job and step
// metrics. Slack delivery is another notifier, added beside these by the composition root.
import type { Notifier, ProgressEvent } from '../core/ports.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export const logNotifier = (logger: Logger): Notifier => ({
  async notify(event) {
    const { run } = event;
    const fields = { runId: run.id, runner: run.runner, kind: run.kind, status: run.status };
    if (event.type === 'step-failed')
      logger.warn({ ...fields, step: event.step, error: event.error, willRetry: event.willRetry }, event.type);
    else if (event.type === 'step-finished')
      logger.info({ ...fields, step: event.step, applied: event.applied, durationMs: event.durationMs }, event.type);
    else if (event.type === 'step-started') logger.debug({ ...fields, step: event.step }, event.type);
    else logger.info({ ...fields, ...(run.error ? { error: run.error } : {}) }, event.type);
  },
});

export const metricsNotifier = (metrics: Metrics): Notifier => ({
  async notify(event: ProgressEvent) {
    if (event.type === 'step-finished') metrics.stepDuration.observe({ step: event.step }, event.durationMs / 1000);
    if (event.type === 'run-finished' && (event.run.status === 'succeeded' || event.run.status === 'failed')) {
      metrics.jobs.inc({ kind: event.run.kind, outcome: event.run.status });
      const { startedAt, finishedAt } = event.run;
      if (startedAt !== undefined && finishedAt !== undefined)
        metrics.jobDuration.observe({ kind: event.run.kind }, (finishedAt - startedAt) / 1000);
    }
  },
});

/** Tells every notifier; one that fails does not keep the others (or the run) from going on. */
export const fanOut = (notifiers: Notifier[], logger: Logger): Notifier => ({
  async notify(event) {
    const results = await Promise.allSettled(notifiers.map((n) => n.notify(event)));
    for (const r of results)
      if (r.status === 'rejected')
        logger.warn({ err: r.reason, event: event.type, runId: event.run.id }, 'a notifier failed');
  },
});
