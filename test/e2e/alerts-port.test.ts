// A real `runnerbot all` with `alerts.port`: POST /alerts is served on that port (by the intake's
// own thread), no longer on http.port, and the accepted alerts show in the process' /metrics.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../sandbox/free-port.ts';
import { startService, until, type Service } from './slack-harness.ts';

let s: Service;
let alertsPort: number;
beforeAll(async () => {
  alertsPort = await freePort();
  s = await startService({
    mode: 'socket',
    vmFarm: false,
    configure: (config) => {
      config.alerts = { ...config.alerts, port: alertsPort };
    },
  });
}, 120_000);
afterAll(() => s?.close(), 60_000);

const notification = {
  version: '4',
  groupKey: '{}:{alertname="OwnPort"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'runnerbot',
  groupLabels: { alertname: 'OwnPort' },
  commonLabels: { alertname: 'OwnPort' },
  commonAnnotations: {},
  externalURL: 'http://am.example:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'OwnPort' },
      annotations: {},
      startsAt: '2024-05-01T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: 'own-port',
    },
  ],
};

const post = (port: number, token: string) =>
  fetch(`http://127.0.0.1:${port}/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(notification),
  }).then(async (res) => (await res.arrayBuffer(), res.status));

describe('alerts.port', () => {
  it('serves POST /alerts on its own port, not on http.port, and counts what it accepts', async () => {
    const httpPort = Number(new URL(s.runnerbot.url).port);
    const token = (await readFile(s.env.ALERTS_TOKEN_FILE!, 'utf8')).trim();
    expect(await post(alertsPort, 'not-the-token')).toBe(401);
    expect(await post(alertsPort, token)).toBe(202);
    expect(await post(httpPort, token)).toBe(404);
    await until(
      async () => {
        const metrics = await (await fetch(`${s.runnerbot.url}/metrics`)).text();
        return /runnerbot_alerts_received_total\{status="firing"\} 1\b/.test(metrics);
      },
      10_000,
      'the accepted alert in /metrics',
    );
  });
});
