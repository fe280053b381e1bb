// The RunnerDown alert the page fires and resolves: posted to Alertmanager's API v2 as Prometheus
// would, or, without Alertmanager, sent to runnerbot's /alerts as Alertmanager's webhook would.
import { createHash } from 'node:crypto';

export interface RunnerDownTarget {
  runner: string;
  vmid?: number;
  node?: string;
}

export interface AlertSender {
  via: 'alertmanager' | 'webhook';
  fire(target: RunnerDownTarget): Promise<void>;
  resolve(target: RunnerDownTarget): Promise<void>;
}

function runnerDown(target: RunnerDownTarget) {
  const labels: Record<string, string> = { alertname: 'RunnerDown', severity: 'critical', runner: target.runner };
  if (target.vmid !== undefined) labels.vmid = String(target.vmid);
  if (target.node) labels.node = target.node;
  const annotations = {
    summary: `Runner ${target.runner} is down`,
    description: `Prometheus has not scraped node_exporter or gitlab-runner on ${target.runner}${labels.vmid ? ` (VM ${labels.vmid} on ${labels.node})` : ''} for 5 minutes; it is not taking CI jobs.`,
    runbook_url: 'https://runnerbot.example/docs/operations#runnerdown',
  };
  return {
    labels,
    annotations,
    generatorURL: `http://prometheus.sandbox/graph?g0.expr=up%7Brunner%3D%22${target.runner}%22%7D`,
  };
}

async function ensureOk(res: Response, what: string): Promise<void> {
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

export function alertmanagerSender(alertmanagerUrl: string): AlertSender {
  const startedAt = new Map<string, string>();
  const post = async (target: RunnerDownTarget, endsAt?: string) => {
    const startsAt = startedAt.get(target.runner) ?? new Date().toISOString();
    startedAt.set(target.runner, startsAt);
    const body = [{ ...runnerDown(target), startsAt, ...(endsAt ? { endsAt } : {}) }];
    const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await ensureOk(res, 'Alertmanager');
  };
  return {
    via: 'alertmanager',
    fire: (target) => post(target),
    resolve: async (target) => {
      await post(target, new Date().toISOString());
      startedAt.delete(target.runner);
    },
  };
}

export function webhookSender(runnerbotUrl: string, token: string, externalURL: string): AlertSender {
  const startedAt = new Map<string, string>();
  const send = async (target: RunnerDownTarget, status: 'firing' | 'resolved') => {
    const alert = runnerDown(target);
    const startsAt = startedAt.get(target.runner) ?? new Date().toISOString();
    startedAt.set(target.runner, startsAt);
    const groupLabels = { alertname: 'RunnerDown', runner: target.runner };
    const payload = {
      version: '4',
      groupKey: `{}:{alertname="RunnerDown", runner="${target.runner}"}`,
      truncatedAlerts: 0,
      status,
      receiver: 'runnerbot',
      groupLabels,
      commonLabels: alert.labels,
      commonAnnotations: alert.annotations,
      externalURL,
      alerts: [
        {
          status,
          ...alert,
          startsAt,
          endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
          fingerprint: createHash('sha256').update(JSON.stringify(alert.labels)).digest('hex').slice(0, 16),
        },
      ],
    };
    const res = await fetch(`${runnerbotUrl}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(payload),
    });
    await ensureOk(res, "runnerbot's /alerts");
    if (status === 'resolved') startedAt.delete(target.runner);
  };
  return { via: 'webhook', fire: (t) => send(t, 'firing'), resolve: (t) => send(t, 'resolved') };
}
