// What `runnerbot bot | worker | all` runs: the list of components, in start order.
// Each adapter contributes components (and routes on the shared HTTP server) for the roles it serves.
import { createHttpServer, type Route } from '../http/server.ts';
import { healthRoute, metricsRoute, type Degradable } from '../http/health.ts';
import { sdRunnersHandler } from '../http/sd-runners.ts';
import type { LoadedConfig, Role } from '../config.ts';
import { runsBot, runsWorker } from '../secrets.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { checkRedis, createRedis, pingRedis, type Redis } from '../redis.ts';
import { endpointMode, redisEndpoint, type RedisEndpoint } from '../redis-endpoint.ts';
import { describeRedis } from '../redis-facts.ts';
import type { Component } from './component.ts';
import { fanOut, logNotifier, metricsNotifier } from './observers.ts';
import { buildStepDeps } from './provisioning.ts';
import { buildSlackOutput } from './slack-outbox.ts';
import { alertButtons, alertForwarder, alertIntake } from './alerts.ts';
import { alertIntakeListener } from './alert-intake-listener.ts';
import { slackComponent, slackInBackground } from './slack-component.ts';
import { buildStores } from './stores.ts';
import { workerComponent } from './worker-component.ts';

export interface ServiceContext {
  role: Role;
  loaded: LoadedConfig;
  logger: Logger;
  metrics: Metrics;
}

/** The shared connection: checked (reachable, noeviction, AOF) before anything else starts, closed last. */
function redisComponent(redis: Redis, endpoint: RedisEndpoint, logger: Logger): Component {
  return {
    name: 'redis',
    start: async () => {
      const { warnings } = await checkRedis(redis, endpoint);
      for (const warning of warnings) logger.warn(warning);
    },
    stop: async () => {
      // QUIT waits for a reconnect when Redis is gone; a connection that is not ready is just dropped.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

export function buildComponents({ role, loaded, logger, metrics }: ServiceContext): Component[] {
  const { config } = loaded;
  const endpoint = redisEndpoint(config.redis, loaded.secrets);
  const redis = createRedis(endpoint, { name: `runnerbot-${role}`, logger });
  const facts = () => describeRedis(redis, endpointMode(endpoint), `${config.redis.prefix}:health`);
  const degradable: Degradable[] = [];
  const routes: Route[] = [
    healthRoute(() => pingRedis(redis), { redisFacts: facts, degradable }),
    metricsRoute(metrics.registry),
  ];
  const components: Component[] = [redisComponent(redis, endpoint, logger)];
  const stores = buildStores(redis, loaded);
  routes.push({ method: 'GET', path: '/sd/runners', handler: sdRunnersHandler(stores.fleet) });
  const slackOutput = buildSlackOutput(loaded, { redis, logger, metrics });
  const notifier = fanOut(
    [logNotifier(logger), metricsNotifier(metrics), ...(slackOutput ? [slackOutput.notifier] : [])],
    logger,
  );
  if (slackOutput) components.push(slackOutput.delivery);
  if (runsWorker(role)) {
    const stepDeps = buildStepDeps(loaded, stores);
    components.push(workerComponent({ config, stores, stepDeps, notifier, logger, metrics }));
    if (slackOutput)
      components.push(
        alertForwarder(loaded, { redis, outbox: slackOutput.outbox, fleet: stores.fleet, metrics, logger }),
      );
    else logger.warn('SLACK_BOT_TOKEN is not set: this worker forwards no alerts and posts no progress to Slack');
  }
  if (runsBot(role)) {
    if (config.alerts.port !== undefined)
      components.push(alertIntakeListener(loaded, config.alerts.port, { metrics, logger }));
    else {
      const intake = alertIntake(loaded, { metrics, logger });
      routes.push(intake.route);
      components.push(intake.component);
    }
    const extraActions = slackOutput ? alertButtons(loaded, { redis, outbox: slackOutput.outbox }) : undefined;
    const slack = slackComponent({
      loaded,
      redis,
      stores,
      notifier,
      logger,
      metrics,
      ...(extraActions ? { extraActions } : {}),
    });
    routes.push(...slack.routes);
    const socket = config.slack.mode === 'socket' ? slackInBackground(loaded, slack, logger) : undefined;
    if (socket) degradable.push(socket);
    components.push(socket ?? slack);
  }
  // The HTTP server starts last, so /healthz answers only once everything behind it runs.
  components.push(createHttpServer({ host: config.http.host, port: config.http.port, routes, logger }));
  return components;
}
