// The alert message builders, the payload schema and the intake's credential check.
import { describe, expect, it } from 'vitest';
import { isAuthorized } from '../../../src/alertmanager/auth.ts';
import { alertGroupMessage, MAX_ALERTS_SHOWN } from '../../../src/bot/alerts/alert-message.ts';
import { digestMessage, MAX_DIGEST_LINES } from '../../../src/bot/alerts/digest-message.ts';
import { parseAlertmanagerPayload } from '../../../src/alertmanager/payload-schema.ts';
import { fitMessage } from '../../../src/bot/blocks/limits.ts';
import { notificationFingerprint } from '../../../src/core/alerts/fingerprint.ts';
import type { AlertmanagerPayload } from '../../../src/core/alerts/payload.ts';
import { summarizeGroup } from '../../../src/core/alerts/routing.ts';

const alert = (i: number, extra: Record<string, string> = {}) => ({
  status: 'firing' as const,
  labels: { alertname: 'RunnerDown', severity: 'critical', runner: `gitlab-runner-${i}`, ...extra },
  annotations: { summary: `runner ${i} <down> & out`, runbook_url: 'https://runbooks.example.com/x' },
  startsAt: '2024-01-01T00:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'javascript:alert(1)',
  fingerprint: `f${i}`,
});
const payload = (count: number): AlertmanagerPayload => ({
  version: '4',
  groupKey: '{}:{alertname="RunnerDown"}',
  truncatedAlerts: 2,
  status: 'firing',
  receiver: 'runnerbot',
  groupLabels: { alertname: 'RunnerDown' },
  commonLabels: { alertname: 'RunnerDown', severity: 'critical' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: Array.from({ length: count }, (_, i) => alert(i)),
});
const view = (p: AlertmanagerPayload) => ({
  groupKey: 'k',
  payload: p,
  summary: summarizeGroup(p),
  managedRunners: ['gitlab-runner-1'],
});

describe('alertGroupMessage', () => {
  it('shows each alert up to the limit, then "and N more" (counting what Alertmanager truncated)', () => {
    const message = alertGroupMessage(view(payload(25)));
    const text = JSON.stringify(message.blocks);
    expect(message.text).toContain(':red_circle: [FIRING:25] RunnerDown');
    expect(text).toContain(`and ${25 - MAX_ALERTS_SHOWN + 2} more`);
    expect(fitMessage(message)).toEqual(message);
  });

  it('escapes mrkdwn and links only http(s) URLs', () => {
    const text = JSON.stringify(alertGroupMessage(view(payload(1))).blocks);
    expect(text).toContain('runner 0 &lt;down&gt; &amp; out');
    expect(text).not.toContain('javascript:');
    expect(text).toContain('<https://runbooks.example.com/x|Runbook>');
    expect(text).toContain('alert_rebuild_gitlab-runner-1');
  });

  it('drops the buttons once resolved', () => {
    const resolved = {
      ...payload(1),
      status: 'resolved' as const,
      alerts: [{ ...alert(0), status: 'resolved' as const }],
    };
    const message = alertGroupMessage(view(resolved));
    expect(message.text).toContain(':large_green_circle: [RESOLVED]');
    expect(JSON.stringify(message.blocks)).not.toContain('alert_silence');
  });
});

describe('digestMessage', () => {
  it('lists firing groups first, up to the limit, within Slack limits', () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({
      groupKey: `g${i}`,
      status: i % 2 ? ('resolved' as const) : ('firing' as const),
      title: `Group ${i}`,
      firing: 1,
      resolved: 0,
    }));
    const message = digestMessage(lines);
    expect(message.text).toBe(':rotating_light: Alert storm: 100 alert groups (50 firing)');
    expect(JSON.stringify(message.blocks)).toContain(`and ${100 - MAX_DIGEST_LINES} more`);
    expect(JSON.stringify(message.blocks)).not.toContain('Group 1 ');
    expect(fitMessage(message)).toEqual(message);
  });
});

describe('notificationFingerprint', () => {
  it('is the same for an HA peer (own startsAt and externalURL) and differs on status', () => {
    const peer = {
      ...payload(2),
      externalURL: 'http://peer:9093',
      alerts: payload(2).alerts.map((a) => ({ ...a, startsAt: '2024-01-01T00:00:05Z' })),
    };
    expect(notificationFingerprint(peer)).toBe(notificationFingerprint(payload(2)));
    expect(notificationFingerprint({ ...payload(2), status: 'resolved' })).not.toBe(
      notificationFingerprint(payload(2)),
    );
  });
});

describe('parseAlertmanagerPayload', () => {
  it('keeps what runnerbot reads and tolerates unknown fields', () => {
    const parsed = parseAlertmanagerPayload({ ...payload(1), future: true, alerts: [{ ...alert(0), extra: 1 }] });
    expect(parsed.ok && parsed.payload.alerts[0]!.fingerprint).toBe('f0');
  });

  it('names the bad field', () => {
    expect(parseAlertmanagerPayload({ ...payload(1), version: '3' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('version'),
    });
    expect(parseAlertmanagerPayload({ ...payload(1), alerts: [{ ...alert(0), labels: { a: 1 } }] })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('alerts[0].labels.a'),
    });
  });
});

describe('isAuthorized', () => {
  const credentials = { token: 'the-token', basicAuth: 'am:pass:word' };
  it('accepts the bearer token or basic user:password, nothing else', () => {
    expect(isAuthorized('Bearer the-token', credentials)).toBe(true);
    expect(isAuthorized(`Basic ${Buffer.from('am:pass:word').toString('base64')}`, credentials)).toBe(true);
    expect(isAuthorized('Bearer the-token2', credentials)).toBe(false);
    expect(isAuthorized(`Basic ${Buffer.from('am:pass').toString('base64')}`, credentials)).toBe(false);
    expect(isAuthorized(undefined, credentials)).toBe(false);
    expect(isAuthorized('Bearer the-token', {})).toBe(false);
  });
});
