// What a notification shows, as one hash: a repeat (`repeat_interval`) or the same group from an
// HA peer hashes the same, so it changes nothing; any change of status, alerts or text does not.
// Peers stamp their own startsAt and externalURL, which the message does not depend on for identity.
import { sha256Hex } from './hash.ts';
import type { AlertmanagerAlert, AlertmanagerPayload, Labels } from './payload.ts';

const sortedEntries = (labels: Labels): [string, string][] =>
  Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Alertmanager's own fingerprint when sent; otherwise the alert's sorted labels. */
export const alertIdentity = (alert: Pick<AlertmanagerAlert, 'fingerprint' | 'labels'>): string =>
  alert.fingerprint || JSON.stringify(sortedEntries(alert.labels));

export function notificationFingerprint(
  payload: Pick<AlertmanagerPayload, 'status' | 'alerts' | 'truncatedAlerts'>,
): string {
  const alerts = payload.alerts
    .map((a) => JSON.stringify([alertIdentity(a), a.status, sortedEntries(a.annotations)]))
    .sort();
  return sha256Hex(JSON.stringify([payload.status, payload.truncatedAlerts, alerts])).slice(0, 32);
}
