// runnerbot's alert path in-process, wired as `runnerbot all` wires it: POST /alerts on the HTTP
// server (producer Redis, fails fast), the forwarder on the intake stream (its own blocking
// connection), the Slack outbox and its delivery to the Slack simulator. Several instances on one
// prefix behave like several processes (or a restarted one).
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { forwardAlerts } from '../../../src/app/forward-alerts.ts';
import { createAlertMessenger } from '../../../src/bot/alerts/alert-messenger.ts';
import { alertIntakeRoute } from '../../../src/alertmanager/intake-route.ts';
import { createHttpServer, type Route } from '../../../src/http/server.ts';
import { createOutbox, createOutboxWebClient, startOutboxDelivery } from '../../../src/bot/outbox/index.ts';
import { compileRoutes } from '../../../src/core/alerts/routing.ts';
import { createAlertForwarder } from '../../../src/jobs/alerts/forwarder.ts';
import { createRedisAlertIntake } from '../../../src/jobs/alerts/intake.ts';
import { createRedisAlertStore } from '../../../src/jobs/alerts/store.ts';
import { createRedisSilencedGroups } from '../../../src/jobs/alerts/silenced-store.ts';
import { createAlertmanagerAlerts } from '../../../src/alertmanager/alerts-client.ts';
import { startSilenceWatch, type SilenceWatch } from '../../../src/composition/silence-watch.ts';
import { createProducerRedis, createStoreRedis, createWorkerRedis } from '../../../src/jobs/redis-connection.ts';
import { createRedisFleet } from '../../../src/jobs/redis-fleet.ts';
import { createLogger } from '../../../src/log.ts';
import { createMetrics } from '../../../src/metrics.ts';
import type { SlackSim } from '../../../sim/slack/index.ts';
import { DEFAULT, routes } from './workspace.ts';

export interface AlertRunnerbotOptions {
  redisUrl: string;
  prefix: string;
  slack: SlackSim;
  token: string;
  basicAuth?: string;
  digestThreshold?: number;
  /** Routes added to the HTTP server (e.g. the Bolt app's). */
  extraRoutes?: Route[];
  claimIdleMs?: number;
  /** The HTTP port (a restarted instance keeps its address); 0 picks one. */
  port?: number;
  /** Checks the groups silenced from Slack this often, as a worker does (`alerts.silenceCheckSeconds`). */
  silenceCheckMs?: number;
}

let instances = 0;
let forwardedAlerts = 0;

export async function startAlertRunnerbot(options: AlertRunnerbotOptions) {
  const logLines: string[] = [];
  const secrets = [options.token, options.slack.botToken, ...(options.basicAuth ? [options.basicAuth] : [])];
  const logger = createLogger({
    level: 'info',
    secrets,
    destination: { write: (line: string) => logLines.push(line) },
  });
  const metrics = createMetrics();
  const producer = createProducerRedis({ url: options.redisUrl });
  const store = createStoreRedis({ url: options.redisUrl });
  const blocking = createWorkerRedis({ url: options.redisUrl });
  for (const r of [producer, store, blocking]) r.on('error', () => undefined);

  const outbox = createOutbox({ redis: store, prefix: options.prefix, secrets });
  const delivery = startOutboxDelivery({
    redis: store,
    prefix: options.prefix,
    logger,
    secrets,
    pollMs: 20,
    web: createOutboxWebClient({ token: options.slack.botToken, slackApiUrl: options.slack.apiUrl }),
  });
  const alertStore = createRedisAlertStore(store, options.prefix);
  const compiled = compileRoutes(routes);
  if (!compiled.ok) throw new Error(compiled.error.message);
  const silenced = createRedisSilencedGroups(store, options.prefix);
  const deps = {
    store: alertStore,
    silenced,
    messenger: createAlertMessenger(outbox),
    fleet: createRedisFleet(store, options.prefix),
    clock: { now: () => Date.now() },
    routes: compiled.value,
    defaultChannel: DEFAULT,
    digest: { threshold: options.digestThreshold ?? 5, windowMs: 60_000 },
  };
  const forwarder = createAlertForwarder({
    redis: blocking,
    prefix: options.prefix,
    consumer: `${hostname()}-${process.pid}-${++instances}`,
    logger,
    blockMs: 200,
    claimIdleMs: options.claimIdleMs ?? 30_000,
    forward: async (d) => {
      metrics.alertsForwarded.inc((await forwardAlerts(deps, d)).filter((o) => o.result !== 'duplicate').length);
      forwardedAlerts += d.payload.alerts.length;
    },
  });
  const credentials = { token: options.token, ...(options.basicAuth ? { basicAuth: options.basicAuth } : {}) };
  const intake = alertIntakeRoute({
    intake: createRedisAlertIntake(producer, options.prefix),
    credentials,
    maxBodyBytes: 64 * 1024,
    metrics,
    logger,
  });
  let refusals = 0;
  const counted: Route = {
    ...intake,
    handler: async (req, res) => {
      await intake.handler(req, res);
      if (res.statusCode >= 500) refusals++;
    },
  };
  const http = createHttpServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    logger,
    routes: [counted, ...(options.extraRoutes ?? [])],
  });
  await forwarder.start();
  await http.start();
  const watch: SilenceWatch | undefined = options.silenceCheckMs
    ? startSilenceWatch(
        {
          silenced,
          store: alertStore,
          alertmanager: createAlertmanagerAlerts(),
          intake: createRedisAlertIntake(producer, options.prefix),
          clock: { now: () => Date.now() },
          periodMs: options.silenceCheckMs,
          // The test's Alertmanager has just started and is sent every alert directly.
          freshAlertmanagerMs: 0,
        },
        logger,
      )
    : undefined;
  return {
    address: `127.0.0.1:${(http.server.address() as AddressInfo).port}`,
    url: `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`,
    outbox,
    alertStore,
    silenced,
    store,
    metrics,
    logger,
    logLines,
    /** Alerts in every notification forwarded so far (by any instance in this process). */
    forwardedAlerts: () => forwardedAlerts,
    /** Answers of 5xx so far. */
    refusals: () => refusals,
    pauseForwarding: () => forwarder.stop(),
    resumeForwarding: () => forwarder.start(),
    async stop() {
      watch?.stop();
      await http.stop();
      await forwarder.stop();
      await delivery.stop();
      for (const r of [producer, store, blocking]) r.disconnect();
    },
  };
}

export type AlertRunnerbot = Awaited<ReturnType<typeof startAlertRunnerbot>>;
