// What the Silence button on an alert message silences: the labels every alert of the group shows,
// computed from the alerts themselves rather than taken from the payload's `commonLabels` (which a
// crafted payload can set to `{severity: "critical"}` and so mute every critical alert).
import type { AlertmanagerPayload, Labels } from './payload.ts';
import { err, ok, type Result } from '../errors.ts';

/** The labels (name and value) that every alert in the group carries. */
export function silenceLabels(payload: Pick<AlertmanagerPayload, 'alerts'>): Labels {
  const [first, ...rest] = payload.alerts;
  if (!first) return {};
  const shared: Labels = {};
  for (const [name, value] of Object.entries(first.labels)) {
    if (rest.every((alert) => Object.hasOwn(alert.labels, name) && alert.labels[name] === value)) shared[name] = value;
  }
  return shared;
}

/** `a="1", b="2"`, as Alertmanager writes equality matchers. */
export const matchersText = (labels: Labels): string =>
  Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');

/**
 * The matchers, or why they would silence more than this group: a silence needs `alertname` and
 * one more label, or it would mute that alert on every runner, or everything of one severity.
 */
export function checkSilence(labels: Labels): Result<Labels> {
  const names = Object.keys(labels);
  if (!names.includes('alertname') || names.length < 2) {
    const what = names.length ? matchersText(labels) : 'no labels at all';
    return err({
      code: 'ALERT.PAYLOAD_INVALID',
      message: `a silence on ${what} would cover more than this group; silence it in Alertmanager`,
    });
  }
  return ok(labels);
}
