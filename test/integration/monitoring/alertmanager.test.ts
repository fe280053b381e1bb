// The real Alertmanager on the shipped configuration delivers to runnerbot's POST /alerts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from './alertmanager-harness.ts';
import { closeServer } from './tools.ts';
import { waitUntil } from './wait-until.ts';

interface Delivery {
  path: string;
  authorization: string | undefined;
  body: { status: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string> }[] };
}

const TOKEN = 'alerts-token-for-this-test';
const deliveries: Delivery[] = [];
let runnerbot: Server;
let alertmanager: RunningAlertmanager;

beforeAll(async () => {
  runnerbot = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    deliveries.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(text) });
    res.writeHead(200).end();
  });
  await new Promise<void>((ready) => runnerbot.listen(0, '127.0.0.1', ready));
  alertmanager = await startAlertmanager({ runnerbot: `127.0.0.1:${(runnerbot.address() as AddressInfo).port}`, token: TOKEN });
});

afterAll(async () => {
  await alertmanager?.stop();
  if (runnerbot) await closeServer(runnerbot);
});

const down = (runner: string) => ({ labels: { alertname: 'RunnerDown', severity: 'critical', runner, node: 'pve1' }, annotations: { summary: `Runner ${runner} is down` } });

function groupsSeen(status: string): string[] {
  return deliveries.filter((d) => d.body.status === status).map((d) => `${d.body.groupLabels.alertname} ${d.body.groupLabels.runner}`).sort();
}

describe('Alertmanager with the shipped configuration', () => {
  it('posts one group per alert and runner to /alerts with the bearer token from its file', async () => {
    await alertmanager.postAlerts([down('gitlab-runner-01'), down('gitlab-runner-02')]);
    const groups = await waitUntil('two firing groups', async () => (groupsSeen('firing').length >= 2 ? groupsSeen('firing') : undefined));
    expect(groups).toEqual(['RunnerDown gitlab-runner-01', 'RunnerDown gitlab-runner-02']);
    for (const delivery of deliveries) {
      expect(delivery.path).toBe('/alerts');
      expect(delivery.authorization).toBe(`Bearer ${TOKEN}`);
      expect(delivery.body.alerts.map((a) => a.labels.runner)).toEqual([delivery.body.groupLabels.runner]);
    }
  });

  it('posts the resolution too', async () => {
    await alertmanager.postAlerts([{ ...down('gitlab-runner-01'), endsAt: new Date().toISOString() }]);
    const resolved = await waitUntil('a resolved group', async () => (groupsSeen('resolved').length ? groupsSeen('resolved') : undefined));
    expect(resolved).toEqual(['RunnerDown gitlab-runner-01']);
  });
});
