// The AlertMessenger on the shared Slack outbox: a message key is posted once and updated after;
// thread replies are keyed too, so forwarding one notification twice says nothing twice.
import type { AlertMessenger } from '../../core/alerts/ports.ts';
import type { SlackMessage } from '../blocks/types.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { alertGroupMessage, resolvedReply } from './alert-message.ts';
import { digestMessage, digestResolvedReply } from './digest-message.ts';

/** A digest in a storm changes often: its edits are coalesced to one per this interval. */
export const DIGEST_EDIT_INTERVAL_MS = 3000;

export function createAlertMessenger(outbox: Outbox): AlertMessenger {
  const show = async (channel: string, key: string, message: SlackMessage, minIntervalMs = 0) => {
    if (await outbox.post({ key, channel, ...message })) return;
    await outbox.update({ key, ...message, minIntervalMs });
  };
  return {
    showGroup: (channel, messageKey, view) => show(channel, messageKey, alertGroupMessage(view)),
    async replyResolved(channel, messageKey, view, fingerprint) {
      await outbox.post({
        key: `${messageKey}:resolved:${fingerprint}`,
        channel,
        threadKey: messageKey,
        ...resolvedReply(view),
      });
    },
    showDigest: (channel, messageKey, lines) =>
      show(channel, messageKey, digestMessage(lines), DIGEST_EDIT_INTERVAL_MS),
    async replyDigestResolved(channel, messageKey, lines) {
      await outbox.post({
        key: `${messageKey}:resolved:${lines.length}`,
        channel,
        threadKey: messageKey,
        ...digestResolvedReply(lines),
      });
    },
  };
}
