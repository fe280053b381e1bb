// Alertmanager's API v2: GET /api/v2/alerts, filtered by equality matchers. Alertmanager lists
// firing alerts only (an alert whose endsAt has passed is left out) with their current state
// (`active`, `suppressed` by a silence or an inhibition, or `unprocessed`).
import type { AlertmanagerAlerts, ListedAlert } from '../core/alerts/ports.ts';

interface GettableAlert {
  labels?: Record<string, string>;
  status?: { state?: string; silencedBy?: string[] };
}

const STATES = new Set(['active', 'suppressed', 'unprocessed']);

/** `name="value"`, quoted as Alertmanager's matcher parser reads it. */
const matcher = (name: string, value: string): string =>
  `${name}="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;

const apiUrl = (alertmanagerUrl: string, path: string) =>
  new URL(path, alertmanagerUrl.endsWith('/') ? alertmanagerUrl : `${alertmanagerUrl}/`);

export function createAlertmanagerAlerts(fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): AlertmanagerAlerts {
  return {
    async startedAt(alertmanagerUrl) {
      const res = await fetchImpl(apiUrl(alertmanagerUrl, 'api/v2/status'), { signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      if (!res.ok) throw new Error(`Alertmanager did not give its status: HTTP ${res.status} ${text.slice(0, 300)}`);
      const started = Date.parse((JSON.parse(text) as { uptime?: string }).uptime ?? '');
      if (Number.isNaN(started)) throw new Error('Alertmanager gave no start time (uptime) in GET /api/v2/status');
      return started;
    },
    async list(alertmanagerUrl, matchers) {
      const url = apiUrl(alertmanagerUrl, 'api/v2/alerts');
      for (const [name, value] of Object.entries(matchers)) url.searchParams.append('filter', matcher(name, value));
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      if (!res.ok) throw new Error(`Alertmanager did not list the alerts: HTTP ${res.status} ${text.slice(0, 300)}`);
      const alerts = JSON.parse(text) as GettableAlert[];
      if (!Array.isArray(alerts)) throw new Error('Alertmanager answered GET /api/v2/alerts with something not a list');
      return alerts.map((alert): ListedAlert => ({
        labels: alert.labels ?? {},
        // An unknown state is taken as not yet known: the group stays watched.
        state: STATES.has(alert.status?.state ?? '') ? (alert.status!.state as ListedAlert['state']) : 'unprocessed',
        silencedBy: alert.status?.silencedBy ?? [],
      }));
    },
  };
}
