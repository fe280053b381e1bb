// Slack output for every process that has the bot token: the SlackNotifier (writes to the
// outbox in Redis) and this process' share of the outbox delivery (the only path to Slack).
import type { Redis } from 'ioredis';
import {
  createOutbox,
  createOutboxWebClient,
  outboxKeys,
  startOutboxDelivery,
  type Outbox,
  type OutboxDelivery,
} from '../bot/outbox/index.ts';
import { postLane } from '../bot/outbox/keys.ts';
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

export function buildSlackOutput(
  loaded: LoadedConfig,
  deps: { redis: Redis; logger: Logger; metrics: Metrics },
): SlackOutput | null {
  const { config, secrets } = loaded;
  if (!secrets.slackBotToken) return null;
  const { prefix } = config.redis;
  const secretList = knownSecretValues(loaded);
  const outbox = createOutbox({ redis: deps.redis, prefix, secrets: secretList });
  const notifier = new SlackNotifier({ outbox, redis: deps.redis, prefix, logger: deps.logger });
  const web = createOutboxWebClient({
    token: secrets.slackBotToken,
    ...(config.slack.apiUrl ? { slackApiUrl: `${config.slack.apiUrl.replace(/\/+$/, '')}/` } : {}),
    ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
  });
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

/** Waits (at most `limitMs`) until nothing is left to post or edit in `channel`: a terminal run's thread is complete. */
export async function outboxDrained(redis: Redis, prefix: string, channel: string, limitMs: number): Promise<boolean> {
  const keys = outboxKeys(prefix);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const [posts, edits] = await Promise.all([
      redis.llen(keys.fifo(postLane(channel))),
      redis.zcard(keys.editsDue(channel)),
    ]);
    if (posts === 0 && edits === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
