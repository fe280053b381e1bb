// Every Redis key of the alert path, under the install's prefix.

export const ALERT_CONSUMER_GROUP = 'alert-forwarders';
/** Group state and digest lines outlive any sane `repeat_interval`, then go. */
export const ALERT_STATE_TTL_SECONDS = 30 * 24 * 3600;

export function alertKeys(prefix: string) {
  return {
    /** The intake stream: one entry (field `p`, the payload as JSON) per accepted POST /alerts. */
    intake: `${prefix}:alerts:intake`,
    /** Hash: fp, entry, status, prev, kind, messageKey, labels, externalURL, payload. */
    group: (channel: string, groupKey: string) => `${prefix}:alerts:group:${channel}:${groupKey}`,
    /** Sorted set of the groups that got a message in a channel lately (score: first seen, ms). */
    recentGroups: (channel: string) => `${prefix}:alerts:recent:${channel}`,
    /** The message key of the channel's open storm digest; expires when the storm is over. */
    openDigest: (channel: string) => `${prefix}:alerts:digest:${channel}`,
    digestSeq: `${prefix}:alerts:digest-seq`,
    digestLines: (messageKey: string) => `${prefix}:alerts:digest-lines:${messageKey}`,
    digestOrder: (messageKey: string) => `${prefix}:alerts:digest-order:${messageKey}`,
    /** JSON of a silence set from Slack (GroupSilence), by group. */
    silence: (groupKey: string) => `${prefix}:alerts:silence:${groupKey}`,
    /** Sorted set of the silenced groups being watched (score: when the next check is due, ms). */
    silenced: `${prefix}:alerts:silenced`,
    /** Held by the one worker that checks silenced groups. */
    silenceLease: `${prefix}:alerts:silence-lease`,
  };
}

/** The message keys the Slack side sees: stable, so a post with the same key is one message. */
export const groupMessageKey = (channel: string, groupKey: string): string => `alert:${channel}:${groupKey}`;
export const digestMessageKeyPrefix = (channel: string): string => `alert-digest:${channel}:`;
