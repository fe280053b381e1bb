// Alertmanager into Slack: the intake route (bot role), the forwarder that turns queued alerts
// into one Slack message per group (worker role) and the Silence/Rebuild buttons (bot role).
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { forwardAlerts } from '../app/forward-alerts.ts';
import type { ExtraAction } from '../bot/app.ts';
import type { BotDeps } from '../bot/bot-deps.ts';
import { alertActions } from '../bot/alerts/action-handlers.ts';
import { createAlertMessenger } from '../bot/alerts/alert-messenger.ts';
import { alertIntakeRoute } from '../alertmanager/intake-route.ts';
import { createSilenceClient } from '../alertmanager/silence-client.ts';
import type { Route } from '../http/server.ts';
import type { Outbox } from '../bot/outbox/index.ts';
import type { LoadedConfig } from '../config.ts';
import { compileRoutes } from '../core/alerts/routing.ts';
import type { Fleet } from '../core/ports.ts';
import { createAlertForwarder } from '../jobs/alerts/forwarder.ts';
import { createRedisAlertIntake } from '../jobs/alerts/intake.ts';
import { createRedisAlertStore } from '../jobs/alerts/store.ts';
import { createRedisSilencedGroups } from '../jobs/alerts/silenced-store.ts';
import { createAlertmanagerAlerts } from '../alertmanager/alerts-client.ts';
import { startSilenceWatch, type SilenceWatch } from './silence-watch.ts';
import { createProducerRedis, createWorkerRedis, disconnectProducer } from '../jobs/redis-connection.ts';
import { replicaAckOf } from '../jobs/replica-ack.ts';
import type { Logger } from '../log.ts';
import { redisEndpoint } from '../redis-endpoint.ts';
import type { Metrics } from '../metrics.ts';
import { systemClock } from '../system.ts';
import type { Component } from './component.ts';
import { CliError } from './load.ts';

const DIGEST_WINDOW_MS = 60_000;

export function alertIntake(
  loaded: LoadedConfig,
  deps: { metrics: Metrics; logger: Logger },
): { route: Route; component: Component } {
  const { config, secrets } = loaded;
  // Its own connection without an offline queue: with Redis away, Alertmanager gets a 5xx at once.
  const redis = createProducerRedis(redisEndpoint(config.redis, loaded.secrets));
  redis.on('error', () => undefined);
  const route = alertIntakeRoute({
    intake: createRedisAlertIntake(redis, config.redis.prefix, replicaAckOf(config.redis)),
    credentials: {
      ...(secrets.alertsToken ? { token: secrets.alertsToken } : {}),
      ...(secrets.alertsBasicAuth ? { basicAuth: secrets.alertsBasicAuth } : {}),
    },
    maxBodyBytes: config.alerts.maxBodyBytes,
    metrics: deps.metrics,
    logger: deps.logger.child({ component: 'alerts' }),
  });
  return {
    route,
    component: { name: 'alert-intake', start: async () => undefined, stop: () => disconnectProducer(redis) },
  };
}

export function alertForwarder(
  loaded: LoadedConfig,
  deps: { redis: Redis; outbox: Outbox; fleet: Fleet; metrics: Metrics; logger: Logger },
): Component {
  const { config } = loaded;
  const routes = compileRoutes(config.alerts.routes);
  if (!routes.ok) throw new CliError(routes.error.message);
  const store = createRedisAlertStore(deps.redis, config.redis.prefix);
  const silenced = createRedisSilencedGroups(deps.redis, config.redis.prefix);
  const forwardDeps = {
    store,
    silenced,
    messenger: createAlertMessenger(deps.outbox),
    fleet: deps.fleet,
    clock: systemClock,
    routes: routes.value,
    ...(config.alerts.defaultChannel ? { defaultChannel: config.alerts.defaultChannel } : {}),
    digest: { threshold: config.alerts.digestThreshold, windowMs: DIGEST_WINDOW_MS },
  };
  const connection = createWorkerRedis(redisEndpoint(config.redis, loaded.secrets));
  const forwarder = createAlertForwarder({
    redis: connection,
    prefix: config.redis.prefix,
    consumer: `${hostname()}-${process.pid}`,
    logger: deps.logger.child({ component: 'alert-forwarder' }),
    forward: async (delivery) => {
      const outcomes = await forwardAlerts(forwardDeps, delivery);
      deps.metrics.alertsForwarded.inc(outcomes.filter((o) => o.result !== 'duplicate').length);
    },
  });
  let watch: SilenceWatch | undefined;
  return {
    name: forwarder.name,
    async start() {
      await forwarder.start();
      watch = startSilenceWatch(
        {
          silenced,
          store,
          alertmanager: createAlertmanagerAlerts(),
          intake: createRedisAlertIntake(deps.redis, config.redis.prefix),
          clock: systemClock,
          periodMs: config.alerts.silenceCheckSeconds * 1000,
        },
        deps.logger.child({ component: 'silence-watch' }),
      );
    },
    async stop() {
      watch?.stop();
      await forwarder.stop();
      connection.disconnect();
    },
  };
}

export function alertButtons(
  loaded: LoadedConfig,
  deps: { redis: Redis; outbox: Outbox },
): (bot: BotDeps) => ExtraAction[] {
  const { config } = loaded;
  const store = createRedisAlertStore(deps.redis, config.redis.prefix);
  const silenced = createRedisSilencedGroups(deps.redis, config.redis.prefix);
  const intake = createRedisAlertIntake(deps.redis, config.redis.prefix);
  return (bot) =>
    alertActions({
      bot,
      store,
      silenced,
      intake,
      firstCheckMs: config.alerts.silenceCheckSeconds * 1000,
      silences: createSilenceClient(),
      outbox: deps.outbox,
      ...(config.alerts.alertmanagerUrl ? { alertmanagerUrl: config.alerts.alertmanagerUrl } : {}),
    });
}
