// One Alertmanager notification -> the channels its routes name -> for each, the group's one
// Slack message posted or updated (or its line in the channel's storm digest). Safe to run twice
// for one delivery and for the same group from two Alertmanagers: the store's claim decides.
import { silenceLabels } from '../core/alerts/silence.ts';
import { digestLine, digestResolved } from '../core/alerts/digest.ts';
import { notificationFingerprint } from '../core/alerts/fingerprint.ts';
import type { AlertmanagerPayload } from '../core/alerts/payload.ts';
import type { AlertMessenger, AlertStore, AlertView, DigestPolicy, SilencedGroups } from '../core/alerts/ports.ts';
import { silenceMarker } from '../core/alerts/silenced.ts';
import { alertGroupKey, routeAlertGroup, summarizeGroup, type AlertRoute } from '../core/alerts/routing.ts';
import type { Clock, Fleet } from '../core/ports.ts';

export interface ForwardAlertsDeps {
  store: AlertStore;
  /** The silences set from Slack: shown on the message while the group fires, forgotten when it resolves. */
  silenced: Pick<SilencedGroups, 'get' | 'remove'>;
  messenger: AlertMessenger;
  fleet: Pick<Fleet, 'get'>;
  clock: Pick<Clock, 'now'>;
  /** Compile them once with `compileRoutes`. */
  routes: readonly AlertRoute[];
  defaultChannel?: string;
  digest: DigestPolicy;
}

export interface ForwardAlertsInput {
  payload: AlertmanagerPayload;
  /** The intake entry's id. */
  deliveryId: string;
}

export type ForwardResult = 'posted' | 'updated' | 'duplicate' | 'digest';

export interface ForwardOutcome {
  channel: string;
  result: ForwardResult;
}

async function managedRunners(fleet: Pick<Fleet, 'get'>, names: string[]): Promise<string[]> {
  const entries = await Promise.all(names.map((name) => fleet.get(name)));
  return names.filter((_, i) => entries[i] !== null);
}

export async function forwardAlerts(
  deps: ForwardAlertsDeps,
  { payload, deliveryId }: ForwardAlertsInput,
): Promise<ForwardOutcome[]> {
  const channels = routeAlertGroup(payload, deps.routes, deps.defaultChannel);
  if (channels.length === 0) return [];
  const groupKey = alertGroupKey(payload);
  const summary = summarizeGroup(payload);
  const silence = summary.status === 'firing' ? await deps.silenced.get(groupKey) : null;
  const note = silence
    ? { until: silence.until, by: silence.by, ...(silence.endedAt ? { endedAt: silence.endedAt } : {}) }
    : undefined;
  const fingerprint = notificationFingerprint(payload) + silenceMarker(note);
  const view: AlertView = {
    groupKey,
    payload,
    summary,
    managedRunners: await managedRunners(deps.fleet, summary.runners),
    ...(note ? { silence: note } : {}),
  };
  const outcomes: ForwardOutcome[] = [];
  for (const channel of channels) {
    const claim = await deps.store.claim({
      channel,
      groupKey,
      fingerprint,
      deliveryId,
      status: summary.status,
      now: deps.clock.now(),
      digest: deps.digest,
      commonLabels: silenceLabels(payload),
      externalURL: payload.externalURL,
      payload,
    });
    if (claim.kind === 'duplicate') {
      outcomes.push({ channel, result: 'duplicate' });
      continue;
    }
    const newlyResolved = summary.status === 'resolved' && claim.previousStatus !== 'resolved';
    if (claim.kind === 'digest') {
      const lines = await deps.store.putDigestLine(claim.messageKey, digestLine(groupKey, payload, summary));
      if (lines) await deps.messenger.showDigest(channel, claim.messageKey, lines);
      if (lines && newlyResolved && digestResolved(lines))
        await deps.messenger.replyDigestResolved(channel, claim.messageKey, lines);
      outcomes.push({ channel, result: lines ? 'digest' : 'duplicate' });
      continue;
    }
    await deps.messenger.showGroup(channel, claim.messageKey, view);
    if (newlyResolved && claim.previousStatus !== undefined)
      await deps.messenger.replyResolved(channel, claim.messageKey, view, fingerprint);
    outcomes.push({ channel, result: claim.previousStatus === undefined ? 'posted' : 'updated' });
  }
  if (summary.status === 'resolved') await deps.silenced.remove(groupKey);
  return outcomes;
}
