// Drains the intake stream as one consumer of a consumer group: several workers share the work,
// an entry is acknowledged (and deleted) only once forwarded, and entries a crashed worker left
// pending are taken over with XAUTOCLAIM. Entries of one group run in order; groups in parallel.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isRunnerbotError } from '../../core/errors.ts';
import type { AlertmanagerPayload } from '../../core/alerts/payload.ts';
import { ALERT_CONSUMER_GROUP, alertKeys } from './keys.ts';

export interface AlertDelivery {
  payload: AlertmanagerPayload;
  deliveryId: string;
}

export interface AlertForwarderOptions {
  /** A connection of its own (it blocks): `createWorkerRedis`. */
  redis: Redis;
  prefix: string;
  /** Unique per process, e.g. `${hostname}-${pid}`. */
  consumer: string;
  forward: (delivery: AlertDelivery) => Promise<unknown>;
  logger: Logger;
  batchSize?: number;
  blockMs?: number;
  /** An entry pending this long on another consumer is taken over. */
  claimIdleMs?: number;
}

type StreamEntry = [id: string, fields: string[]];

const payloadOf = (fields: string[]): AlertmanagerPayload =>
  JSON.parse(fields[fields.indexOf('p') + 1] ?? '') as AlertmanagerPayload;
const groupOf = (fields: string[]): string => {
  try {
    const payload = payloadOf(fields);
    return JSON.stringify([payload.receiver, payload.groupKey]);
  } catch {
    return '';
  }
};

export function createAlertForwarder(options: AlertForwarderOptions) {
  const { redis, consumer, logger, batchSize = 200, blockMs = 1000, claimIdleMs = 30_000 } = options;
  const stream = alertKeys(options.prefix).intake;
  let running = false;
  let loop: Promise<void> | undefined;

  const done = (id: string) => redis.multi().xack(stream, ALERT_CONSUMER_GROUP, id).xdel(stream, id).exec();

  async function handle([id, fields]: StreamEntry): Promise<void> {
    try {
      await options.forward({ payload: payloadOf(fields), deliveryId: id });
      await done(id);
    } catch (error) {
      const retryable = !(error instanceof SyntaxError) && (!isRunnerbotError(error) || error.transient);
      logger.error(
        { err: error, entry: id, retryable },
        retryable ? 'alert forwarding failed; will retry' : 'alert entry dropped',
      );
      if (!retryable) await done(id);
    }
  }

  async function handleAll(entries: StreamEntry[]): Promise<void> {
    const byGroup = new Map<string, StreamEntry[]>();
    for (const entry of entries) byGroup.set(groupOf(entry[1]), [...(byGroup.get(groupOf(entry[1])) ?? []), entry]);
    await Promise.all(
      [...byGroup.values()].map(async (inOrder) => {
        for (const entry of inOrder) await handle(entry);
      }),
    );
  }

  async function claimStale(): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries] = (await redis.xautoclaim(
        stream,
        ALERT_CONSUMER_GROUP,
        consumer,
        claimIdleMs,
        cursor,
        'COUNT',
        batchSize,
      )) as [string, StreamEntry[]];
      await handleAll(entries.filter((e): e is StreamEntry => Array.isArray(e[1])));
      cursor = next;
    } while (running && cursor !== '0-0');
  }

  async function run(): Promise<void> {
    let lastClaim = 0;
    while (running) {
      try {
        if (Date.now() - lastClaim >= claimIdleMs / 2) {
          lastClaim = Date.now();
          await claimStale();
        }
        const reply = (await redis.xreadgroup(
          'GROUP',
          ALERT_CONSUMER_GROUP,
          consumer,
          'COUNT',
          batchSize,
          'BLOCK',
          blockMs,
          'STREAMS',
          stream,
          '>',
        )) as [string, StreamEntry[]][] | null;
        if (reply) await handleAll(reply[0]![1]);
      } catch (error) {
        if (!running) break;
        logger.error({ err: error }, 'alert intake read failed');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  return {
    name: 'alert-forwarder',
    async start() {
      try {
        await redis.xgroup('CREATE', stream, ALERT_CONSUMER_GROUP, '0', 'MKSTREAM');
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
      }
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

export type AlertForwarder = ReturnType<typeof createAlertForwarder>;
