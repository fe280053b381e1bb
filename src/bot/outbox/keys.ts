// The outbox's Redis keys, all under `<prefix>:outbox:`. A lane is one ordered stream of Slack
// calls that one process at a time delivers: `post:<channel>`, `edit:<channel>`,
// `eph:<channel>` and `respond`.
export type Lane = `post:${string}` | `edit:${string}` | `eph:${string}` | 'respond';

export function outboxKeys(prefix: string) {
  const base = `${prefix}:outbox`;
  return {
    base,
    /** ZSET lane -> when it is next due (clock ms). */
    lanes: `${base}:lanes`,
    /** STRING: the id of the process delivering the lane, with a TTL. */
    lease: (lane: Lane) => `${base}:lease:${lane}`,
    /** LIST of op ids, oldest first (post, eph and respond lanes). */
    fifo: (lane: Lane) => `${base}:fifo:${lane}`,
    /** STRING: one queued call as JSON. */
    op: (id: string) => `${base}:op:${id}`,
    opPrefix: `${base}:op:`,
    /** INCR counter for op ids. */
    seq: `${base}:seq`,
    /** HASH for one message we post: channel, state (pending|posted|dropped), ts, editedAt. */
    message: (key: string) => `${base}:msg:${key}`,
    messagePrefix: `${base}:msg:`,
    /** HASH message key -> newest content to put in it (a channel's edit lane). */
    edits: (channel: string) => `${base}:edits:${channel}`,
    /** ZSET message key -> when its edit may be sent. */
    editsDue: (channel: string) => `${base}:edits-due:${channel}`,
    /** HASH `<method>:<channel>` -> the clock time before which that method must not be called there. */
    pace: `${base}:pace`,
    /** HASH tokens/at: the workspace-wide chat.update token bucket. */
    updateBucket: `${base}:bucket:chat.update`,
  };
}

export type OutboxKeys = ReturnType<typeof outboxKeys>;

export const postLane = (channel: string): Lane => `post:${channel}`;
export const editLane = (channel: string): Lane => `edit:${channel}`;
export const ephemeralLane = (channel: string): Lane => `eph:${channel}`;
export const RESPOND_LANE: Lane = 'respond';

/** How long a posted message's key -> ts mapping is kept. */
export const MESSAGE_TTL_SECONDS = 30 * 24 * 3600;
