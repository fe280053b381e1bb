// What an alert group is about, for the Slack message and the Rebuild button: counts, names,
// the worst severity, the runners it concerns; and the stable key of the group.
import { sha256Hex } from './hash.ts';
import type { AlertmanagerPayload } from './payload.ts';

export interface AlertGroupSummary {
  status: 'firing' | 'resolved';
  firing: number;
  resolved: number;
  /** Alerts Alertmanager did not send (`truncatedAlerts`). */
  truncated: number;
  /** Distinct `alertname`s, in the order they first appear. */
  alertnames: string[];
  /** The highest severity among the firing alerts (among all when none fires). */
  severity?: string;
  /** Runner names from the `runner` label, or the host of `instance` (`gitlab-runner-02:9100`). */
  runners: string[];
}

// Lower index = more severe. Common synonyms rank with their level; unknown values rank last.
const SEVERITY_LEVELS: readonly (readonly string[])[] = [
  ['critical', 'fatal', 'emergency', 'page', 'disaster'],
  ['error', 'high', 'major'],
  ['warning', 'warn', 'medium', 'minor'],
  ['info', 'informational', 'low', 'none'],
];

const severityRank = (severity: string): number => {
  const level = SEVERITY_LEVELS.findIndex((names) => names.includes(severity.toLowerCase()));
  return level === -1 ? SEVERITY_LEVELS.length : level;
};

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** `gitlab-runner-02.example.com:9100` -> `gitlab-runner-02`; an IP address -> undefined. */
export function runnerNameFromInstance(instance: string): string | undefined {
  const host = instance
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '');
  if (host.startsWith('[') || IPV4.test(host)) return undefined;
  const first = host.split('.')[0]!.toLowerCase();
  return HOST_LABEL.test(first) ? first : undefined;
}

const distinct = (values: (string | undefined)[]): string[] => [
  ...new Set(values.filter((v): v is string => v !== undefined && v !== '')),
];

type SummaryInput = Pick<AlertmanagerPayload, 'status' | 'alerts'> &
  Partial<Pick<AlertmanagerPayload, 'truncatedAlerts'>>;

export function summarizeGroup(payload: SummaryInput): AlertGroupSummary {
  const firingAlerts = payload.alerts.filter((a) => a.status === 'firing');
  const ranked = (firingAlerts.length > 0 ? firingAlerts : payload.alerts)
    .map((a) => a.labels.severity)
    .filter((s): s is string => s !== undefined && s !== '');
  const severity = ranked.reduce<string | undefined>(
    (worst, s) => (worst === undefined || severityRank(s) < severityRank(worst) ? s : worst),
    undefined,
  );
  const summary: AlertGroupSummary = {
    status: payload.alerts.length > 0 ? (firingAlerts.length > 0 ? 'firing' : 'resolved') : payload.status,
    firing: firingAlerts.length,
    resolved: payload.alerts.length - firingAlerts.length,
    truncated: payload.truncatedAlerts ?? 0,
    alertnames: distinct(payload.alerts.map((a) => a.labels.alertname)),
    runners: distinct(payload.alerts.map((a) => a.labels.runner || runnerNameFromInstance(a.labels.instance ?? ''))),
  };
  if (severity !== undefined) summary.severity = severity;
  return summary;
}

/**
 * The stable identity of an alert group: the same for every notification about the group, from
 * either Alertmanager of an HA pair, and short enough for a Redis key or a Slack button value.
 */
export function alertGroupKey(payload: Pick<AlertmanagerPayload, 'receiver' | 'groupKey'>): string {
  return sha256Hex(JSON.stringify([payload.receiver, payload.groupKey])).slice(0, 32);
}
