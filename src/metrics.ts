// Every metric runnerbot exports, on one registry per process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'runnerbot_' });
  const registers = [registry];
  return {
    registry,
    jobs: new Counter({
      name: 'runnerbot_jobs_total',
      help: 'Runs finished, by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'runnerbot_job_duration_seconds',
      help: 'Wall time of a run from start to end',
      labelNames: ['kind'] as const,
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 2400],
      registers,
    }),
    stepDuration: new Histogram({
      name: 'runnerbot_step_duration_seconds',
      help: 'Wall time of one step',
      labelNames: ['step'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    }),
    queueJobs: new Gauge({
      name: 'runnerbot_queue_jobs',
      help: 'Jobs in the runner-jobs queue, by state',
      labelNames: ['state'] as const,
      registers,
    }),
    slackCalls: new Counter({
      name: 'runnerbot_slack_calls_total',
      help: 'Slack Web API calls, by method and outcome (ok, rate_limited, error)',
      labelNames: ['method', 'outcome'] as const,
      registers,
    }),
    alertsReceived: new Counter({
      name: 'runnerbot_alerts_received_total',
      help: 'Alerts received from Alertmanager, by status',
      labelNames: ['status'] as const,
      registers,
    }),
    alertsForwarded: new Counter({
      name: 'runnerbot_alerts_forwarded_total',
      help: 'Alert-group messages posted or updated in Slack',
      registers,
    }),
    commandAck: new Histogram({
      name: 'runnerbot_command_ack_seconds',
      help: 'Time from receiving a slash command or click to ack()',
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 3],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
