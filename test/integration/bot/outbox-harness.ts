// Shared by the outbox and notifier tests: real Redis under a fresh prefix, the Slack simulator
// with its rate limits on, and a clock that runs `speed` times faster than the wall clock for
// both (so 90 posts at 1 per simulated second take seconds).
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import {
  createOutbox,
  createOutboxWebClient,
  startOutboxDelivery,
  type Outbox,
  type OutboxDelivery,
  type OutboxDeliveryOptions,
  type PostedMessage,
} from '../../../src/bot/outbox/index.ts';
import type { Clock } from '../../../src/core/ports.ts';
import { createLogger } from '../../../src/log.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { startSlackSim, type SlackSim, type SlackSimOptions } from '../../../sim/slack/index.ts';
import { testWorkspace } from '../../../sim/slack/test-support.ts';

export const FAKE_SECRET = `s3cr3t-${randomBytes(8).toString('hex')}`;

export function fastClock(speed: number, start = Date.now()): Clock {
  return {
    now: () => start + (Date.now() - start) * speed,
    sleep: (ms, signal) => delay(ms / speed, undefined, signal ? { signal } : undefined),
  };
}

export interface Harness {
  sim: SlackSim;
  redis: Redis;
  prefix: string;
  clock: Clock;
  outbox: Outbox;
  metrics: ReturnType<typeof createMetrics>;
  logs: string[];
  posted: PostedMessage[];
  startDelivery(overrides?: Partial<OutboxDeliveryOptions>): OutboxDelivery;
  deliveryOptions(): OutboxDeliveryOptions;
  close(): Promise<void>;
}

export async function startHarness({
  speed = 20,
  sim: simOptions = {},
}: { speed?: number; sim?: SlackSimOptions } = {}): Promise<Harness> {
  const clock = fastClock(speed);
  const sim = await startSlackSim({ ...testWorkspace, now: clock.now, ...simOptions });
  const redis = new Redis('redis://127.0.0.1:6379');
  const prefix = `test-outbox-${randomBytes(6).toString('hex')}`;
  const secrets = [FAKE_SECRET, sim.botToken];
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    secrets,
    destination: new Writable({ write: (line, _enc, done) => (logs.push(String(line)), done()) }) as never,
  });
  const metrics = createMetrics();
  const posted: PostedMessage[] = [];
  const deliveries: OutboxDelivery[] = [];
  const deliveryOptions = (): OutboxDeliveryOptions => ({
    redis,
    prefix,
    logger,
    metrics,
    secrets,
    clock,
    web: createOutboxWebClient({ token: sim.botToken, slackApiUrl: sim.apiUrl }),
    onPosted: (p) => void posted.push(p),
    pollMs: 100,
  });
  return {
    sim,
    redis,
    prefix,
    clock,
    metrics,
    logs,
    posted,
    deliveryOptions,
    outbox: createOutbox({ redis, prefix, secrets, clock }),
    startDelivery: (overrides = {}) => {
      const delivery = startOutboxDelivery({ ...deliveryOptions(), ...overrides });
      deliveries.push(delivery);
      return delivery;
    },
    close: async () => {
      await Promise.all(deliveries.map((d) => d.stop()));
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await sim.close();
    },
  };
}

/** Polls until `probe` holds; the limit only bounds a hang, it is not what a test asserts. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  ms = 45_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await delay(20);
  }
}

/** Nothing left to deliver under the prefix. */
export const outboxDrained = async (h: Harness) => (await h.redis.zcard(`${h.prefix}:outbox:lanes`)) === 0;

/** Successful chat.postMessage calls per channel, as the simulator saw them. */
export const acceptedPosts = (sim: SlackSim, channel: string) =>
  sim.received.filter(
    (e) => e.kind === 'api' && e.name === 'chat.postMessage' && e.args.channel === channel && !e.error,
  );

/** Every value stored under the harness's prefix, as text. */
export async function storedText(h: Harness): Promise<string> {
  const values = await Promise.all(
    (await h.redis.keys(`${h.prefix}:*`)).map(async (key) => {
      const type = await h.redis.type(key);
      if (type === 'string') return h.redis.get(key);
      if (type === 'hash') return h.redis.hgetall(key);
      if (type === 'list') return h.redis.lrange(key, 0, -1);
      return h.redis.zrange(key, 0, -1);
    }),
  );
  return JSON.stringify(values);
}
