// Shared plumbing of the alert tests: a fresh prefix, the intake stream's state, and what Slack shows.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { IntakeThreadData } from '../../../src/composition/alert-intake-listener.ts';
import { ALERT_CONSUMER_GROUP, alertKeys } from '../../../src/jobs/alerts/keys.ts';
import { NO_REPLICA_ACK } from '../../../src/jobs/replica-ack.ts';
import { outboxKeys } from '../../../src/bot/outbox/keys.ts';
import type { SimMessage, SlackSim } from '../../../sim/slack/index.ts';

export const REDIS_URL = process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const newPrefix = (): string => `rbt-${randomBytes(6).toString('hex')}`;

/** The alert intake thread (`alerts.port`) of a test: loopback, a free port, a bearer token, no replica acks. */
export const loopbackIntake = (prefix: string, token: string, maxBodyBytes: number): IntakeThreadData => ({
  host: '127.0.0.1',
  port: 0,
  redis: { url: REDIS_URL },
  prefix,
  ack: NO_REPLICA_ACK,
  credentials: { token },
  maxBodyBytes,
  log: { level: 'warn', secrets: [token] },
});

export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
}

/** True when every accepted notification was forwarded and every Slack call was made. */
export async function drained(redis: Redis, prefix: string): Promise<boolean> {
  const stream = alertKeys(prefix).intake;
  const [length, pending, lanes] = await Promise.all([
    redis.xlen(stream),
    redis.xpending(stream, ALERT_CONSUMER_GROUP).catch(() => [0]) as Promise<[number]>,
    redis.zcard(outboxKeys(prefix).lanes),
  ]);
  return length === 0 && Number(pending[0]) === 0 && lanes === 0;
}

export const render = (message: SimMessage): string => `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;

export function messagesIn(slack: SlackSim, channel: string): SimMessage[] {
  return slack.channel(channel).messages();
}

/** The channel's top-level message whose text mentions `needle`. */
export const messageAbout = (slack: SlackSim, channel: string, needle: string): SimMessage | undefined =>
  messagesIn(slack, channel).find((m) => m.text.includes(needle));

export const repliesTo = (slack: SlackSim, channel: string, ts: string): SimMessage[] =>
  slack.thread(channel, ts).filter((m) => m.ts !== ts);
