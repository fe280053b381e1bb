// What a watched silenced group has become, from what Alertmanager lists now: gone (resolved:
// Alertmanager lists no resolved alert), still silenced, or firing again unmuted (the silence
// ended). And the resolved notification Alertmanager would have sent, built from the last one.
import type { AlertmanagerPayload, Labels } from './payload.ts';
import type { ListedAlert } from './ports.ts';

export type SilencedGroupState = 'resolved' | 'silenced' | 'ended';

const matches = (labels: Labels, matchers: Labels): boolean =>
  Object.entries(matchers).every(([name, value]) => labels[name] === value);

export function silencedGroupState(listed: readonly ListedAlert[], matchers: Labels): SilencedGroupState {
  const alerts = listed.filter((alert) => matches(alert.labels, matchers));
  if (alerts.length === 0) return 'resolved';
  return alerts.some((alert) => alert.state === 'active') ? 'ended' : 'silenced';
}

/** The last notification with every alert resolved at `now`, as Alertmanager words a resolve. */
export function resolvedPayload(last: AlertmanagerPayload, now: number): AlertmanagerPayload {
  const endsAt = new Date(now).toISOString();
  return {
    ...last,
    status: 'resolved',
    alerts: last.alerts.map((alert) => ({
      ...alert,
      status: 'resolved',
      endsAt: alert.status === 'resolved' ? alert.endsAt : endsAt,
    })),
  };
}

/** Part of a notification's fingerprint: a message showing a silence differs from one that does not. */
export const silenceMarker = (silence: { until: number; endedAt?: number } | undefined): string =>
  silence ? `:silenced:${silence.until}${silence.endedAt === undefined ? '' : `:ended:${silence.endedAt}`}` : '';
