// The producer side of the Slack outbox: any process queues messages in Redis and returns at
// once; a delivery loop (delivery.ts) sends them within Slack's limits. Content is cut to Slack's
// limits and scrubbed of secrets before it is stored.
import type { Redis } from 'ioredis';
import type { Clock } from '../../core/ports.ts';
import { systemClock } from '../../system.ts';
import { fitMessage } from '../blocks/limits.ts';
import type { SlackBlock } from '../blocks/types.ts';
import { RESPOND_LANE, ephemeralLane, outboxKeys, postLane, type Lane } from './keys.ts';
import type { Content, EphemeralOp, Op, PendingEdit, PostOp, RespondOp } from './ops.ts';
import { scripts } from './scripts.ts';
import { contentScrubber } from './scrub-content.ts';

export interface OutboxOptions {
  redis: Redis;
  /** Key prefix shared by every process of one install (e.g. `runnerbot`). */
  prefix: string;
  /** Configured secret values, removed from every string before it is stored. */
  secrets: readonly string[];
  clock?: Clock;
}

export interface PostInput {
  /** Our own name for the message (e.g. `run:<id>:root`); posting a key twice posts once. */
  key: string;
  channel: string;
  /** The key of the message to reply under; resolved to its ts when delivered. */
  threadKey?: string;
  text: string;
  blocks?: SlackBlock[];
}

export interface UpdateInput {
  key: string;
  text: string;
  blocks?: SlackBlock[];
  /** The message changes at most this often; newer content replaces what is waiting. Default 0. */
  minIntervalMs?: number;
}

export type EphemeralInput = Omit<EphemeralOp, 'type'>;
export type RespondInput = Omit<RespondOp, 'type'>;

export interface Outbox {
  /** Queues a message; false when the key was already posted (or queued). */
  post(input: PostInput): Promise<boolean>;
  /** Replaces a message's content (newest wins, after its post); false when the key is unknown or was dropped. */
  update(input: UpdateInput): Promise<boolean>;
  ephemeral(input: EphemeralInput): Promise<void>;
  respond(input: RespondInput): Promise<void>;
  /** Where a posted message is, once it is delivered. */
  tsOf(key: string): Promise<{ channel: string; ts: string } | null>;
}

export function createOutbox({ redis, prefix, secrets, clock = systemClock }: OutboxOptions): Outbox {
  const keys = outboxKeys(prefix);
  const scrub = contentScrubber(secrets);
  const clean = <T extends Content>(content: T): T =>
    scrub({ ...content, ...fitMessage({ text: content.text, ...(content.blocks ? { blocks: content.blocks } : {}) }) });

  const enqueue = (lane: Lane, op: Op, onceKey?: string) =>
    scripts.enqueue(
      redis,
      [keys.lanes, keys.fifo(lane), keys.seq, onceKey ? keys.message(onceKey) : keys.message('')],
      [
        lane,
        clock.now(),
        JSON.stringify(clean(op)),
        keys.opPrefix,
        'channel' in op ? op.channel : '',
        onceKey ? '1' : '0',
      ],
    );

  return {
    async post(input) {
      const op: PostOp = { type: 'post', ...input };
      return (await enqueue(postLane(input.channel), op, input.key)) !== null;
    },
    async update({ key, minIntervalMs = 0, ...content }) {
      const edit: PendingEdit = { ...clean(content), minIntervalMs };
      return (
        (await scripts.edit(
          redis,
          [keys.message(key), keys.lanes],
          [key, JSON.stringify(edit), clock.now(), minIntervalMs, keys.base],
        )) === 1
      );
    },
    async ephemeral(input) {
      await enqueue(ephemeralLane(input.channel), { type: 'ephemeral', ...input });
    },
    async respond(input) {
      await enqueue(RESPOND_LANE, { type: 'respond', ...input });
    },
    async tsOf(key) {
      const [channel, ts] = await redis.hmget(keys.message(key), 'channel', 'ts');
      return channel && ts ? { channel, ts } : null;
    },
  };
}
