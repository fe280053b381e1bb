// The delivery loop: runs in every bot/worker/all process, several at once. Each due lane (a
// channel's posts, a channel's edits, …) is delivered by one process at a time under a lease, so
// the per-channel pace holds across processes; everything it needs to resume is in Redis.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Clock } from '../../core/ports.ts';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import { systemClock } from '../../system.ts';
import type { DeliveryContext, PostedMessage } from './context.ts';
import { deliverEdits } from './edit-lane.ts';
import { deliverFifo } from './fifo-lane.ts';
import { outboxKeys, type Lane } from './keys.ts';
import { scripts } from './scripts.ts';
import { contentScrubber } from './scrub-content.ts';

export interface OutboxDeliveryOptions {
  redis: Redis;
  prefix: string;
  /** Made by `createOutboxWebClient` (rate-limited calls rejected, no SDK retries). */
  web: WebClient;
  metrics?: Pick<Metrics, 'slackCalls'>;
  logger: Logger;
  secrets: readonly string[];
  /** Called once per delivered post (e.g. to store a run's root ts); failures are logged. */
  onPosted?: (posted: PostedMessage) => Promise<void> | void;
  clock?: Clock;
  /** Default 1000: Slack's 1 chat.postMessage per second per channel. */
  postIntervalMs?: number;
  /** Default 50 per minute with bursts of 20 (Tier 3), across every process. */
  updates?: { perMinute: number; burst: number };
  /** How long a process holds a lane without renewing; longer than a Slack call's timeout. Default 30 s. */
  leaseMs?: number;
  /** How often an idle loop looks for due lanes, in clock ms. Default 100. */
  pollMs?: number;
  /** Lanes delivered at once by this process. Default 8. */
  concurrency?: number;
}

export interface OutboxDelivery {
  /** Finishes the calls in flight, releases its lanes and stops. */
  stop(): Promise<void>;
}

const shuffle = <T>(items: T[]): T[] =>
  items
    .map((item) => [Math.random(), item] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, item]) => item);

export function startOutboxDelivery(options: OutboxDeliveryOptions): OutboxDelivery {
  const { redis, logger, clock = systemClock, leaseMs = 30_000, pollMs = 100, concurrency = 8 } = options;
  const keys = outboxKeys(options.prefix);
  const token = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const stopping = new AbortController();
  const base: Omit<DeliveryContext, 'renewLease'> = {
    redis,
    keys,
    web: options.web,
    clock,
    logger,
    scrub: contentScrubber(options.secrets),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.onPosted ? { onPosted: options.onPosted } : {}),
    postIntervalMs: options.postIntervalMs ?? 1000,
    updates: options.updates ?? { perMinute: 50, burst: 20 },
  };

  async function deliverLane(lane: Lane): Promise<void> {
    const lease = keys.lease(lane);
    const ctx: DeliveryContext = {
      ...base,
      renewLease: async () => (await scripts.renew(redis, lease, token, leaseMs)) === 1,
    };
    try {
      const isEdit = lane.startsWith('edit:');
      const due = isEdit
        ? await deliverEdits(ctx, lane.slice('edit:'.length), 10)
        : await deliverFifo(ctx, lane, lane.startsWith('post:') ? 2 : 10);
      const work = isEdit ? keys.editsDue(lane.slice('edit:'.length)) : keys.fifo(lane);
      await scripts.reschedule(redis, [keys.lanes, work], [lane, due, isEdit ? 'zset' : 'list']);
    } finally {
      await scripts.release(redis, lease, token);
    }
  }

  /** Delivers what is due now; false when there was nothing this process could take. */
  async function tick(): Promise<boolean> {
    const due = (await redis.zrangebyscore(keys.lanes, '-inf', clock.now(), 'LIMIT', 0, concurrency * 4)) as Lane[];
    const claimed: Lane[] = [];
    for (const lane of shuffle(due)) {
      if (claimed.length >= concurrency) break;
      if (await redis.set(keys.lease(lane), token, 'PX', leaseMs, 'NX')) claimed.push(lane);
    }
    const results = await Promise.allSettled(claimed.map(deliverLane));
    for (const result of results) {
      if (result.status === 'rejected')
        logger.warn({ error: (result.reason as Error).message }, 'outbox: delivering a lane failed');
    }
    return claimed.length > 0;
  }

  const idle = (ms: number) => clock.sleep(ms, stopping.signal).catch(() => undefined);
  const running = (async () => {
    while (!stopping.signal.aborted) {
      try {
        if (!(await tick())) await idle(pollMs);
      } catch (error) {
        logger.warn({ error: (error as Error).message }, 'outbox: delivery loop error; retrying');
        await idle(pollMs * 10);
      }
    }
  })();

  return {
    stop: async () => {
      stopping.abort();
      await running;
    },
  };
}
