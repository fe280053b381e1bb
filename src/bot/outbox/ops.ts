// The calls the outbox queues, as stored in Redis.
import type { SlackBlock } from '../blocks/types.ts';

export interface Content {
  text: string;
  blocks?: SlackBlock[];
}

export interface PostOp extends Content {
  type: 'post';
  key: string;
  channel: string;
  threadKey?: string;
}

export interface EphemeralOp extends Content {
  type: 'ephemeral';
  channel: string;
  user: string;
  threadKey?: string;
}

export interface RespondOp extends Content {
  type: 'respond';
  responseUrl: string;
  responseType?: 'ephemeral' | 'in_channel';
  replaceOriginal?: boolean;
  deleteOriginal?: boolean;
}

export type Op = PostOp | EphemeralOp | RespondOp;

/**
 * An op as stored: failed attempts so far, when to try again, when a call whose outcome is
 * unknown (a timeout, a crash mid-call) was sent, and where the look for it goes on (find-posted.ts).
 */
export type StoredOp = Op & { id: string; attempts?: number; retryAt?: number; sentAt?: number; lookupCursor?: string };

/** An edit waiting in a channel's edit lane: the newest content, and how often the message may change. */
export interface PendingEdit extends Content {
  minIntervalMs: number;
}
