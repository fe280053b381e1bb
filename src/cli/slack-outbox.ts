// Slack output for every process that has the bot token: the SlackNotifier (writes to the
// outbox in Redis) and this process' share of the outbox delivery (the only path to Slack).
import type { Redis } from 'ioredis';
import { createOutbox, createOutboxWebClient, startOutboxDelivery, type Outbox, type OutboxDelivery } from '../bot/outbox/index.ts';
import { SlackNotifier } from '../bot/slack-notifier.ts';
import { knownSecretValues, type LoadedConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Component } from './component.ts';

export interface SlackOutput {
  outbox: Outbox;
  notifier: SlackNotifier;
  delivery: Component;
}

export function buildSlackOutput(loaded: LoadedConfig, deps: { redis: Redis; logger: Logger; metrics: Metrics }): SlackOutput | null {
  const { config, secrets } = loaded;
  if (!secrets.slackBotToken) return null;
  const { prefix } = config.redis;
  const secretList = knownSecretValues(loaded);
  const outbox = createOutbox({ redis: deps.redis, prefix, secrets: secretList });
  const notifier = new SlackNotifier({ outbox, redis: deps.redis, prefix, logger: deps.logger });
  const web = createOutboxWebClient({ token: secrets.slackBotToken, ...(config.slack.apiUrl ? { slackApiUrl: `${config.slack.apiUrl.replace(/\/+$/, '')}/` } : {}) });
  let running: OutboxDelivery | undefined;
  const delivery: Component = {
    name: 'slack-delivery',
    async start() {
      running = startOutboxDelivery({
        redis: deps.redis,
        prefix,
        web,
        metrics: deps.metrics,
        logger: deps.logger.child({ component: 'slack-delivery' }),
        secrets: secretList,
      });
    },
    async stop() {
      await running?.stop();
    },
  };
  return { outbox, notifier, delivery };
}
