// What a silenced group has become from what Alertmanager lists, the resolve built from the last
// notification, and how the message shows the silence.
import { describe, expect, it } from 'vitest';
import { alertGroupMessage } from '../../../src/bot/alerts/alert-message.ts';
import type { AlertmanagerPayload } from '../../../src/core/alerts/payload.ts';
import { summarizeGroup } from '../../../src/core/alerts/routing.ts';
import { resolvedPayload, silencedGroupState, silenceMarker } from '../../../src/core/alerts/silenced.ts';

const matchers = { alertname: 'RunnerDown', runner: 'gitlab-runner-02' };
const listed = (state: 'active' | 'suppressed' | 'unprocessed', labels: Record<string, string> = matchers) => ({
  labels: { ...labels, severity: 'critical' },
  state,
  silencedBy: state === 'suppressed' ? ['s1'] : [],
});

const payload: AlertmanagerPayload = {
  version: '4',
  groupKey: '{}:{alertname="RunnerDown"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'runnerbot',
  groupLabels: { alertname: 'RunnerDown' },
  commonLabels: matchers,
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    {
      status: 'firing',
      labels: matchers,
      annotations: { summary: 'down' },
      startsAt: '2026-12-01T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: 'f1',
    },
  ],
};

describe('silencedGroupState', () => {
  it('is resolved when Alertmanager lists none of the alerts (it never lists resolved ones)', () => {
    expect(silencedGroupState([], matchers)).toBe('resolved');
    expect(silencedGroupState([listed('active', { alertname: 'RunnerDown', runner: 'other' })], matchers)).toBe(
      'resolved',
    );
  });

  it('is still silenced while every alert is suppressed or not yet processed', () => {
    expect(silencedGroupState([listed('suppressed'), listed('unprocessed')], matchers)).toBe('silenced');
  });

  it('has ended when an alert of the group fires unmuted', () => {
    expect(silencedGroupState([listed('suppressed'), listed('active')], matchers)).toBe('ended');
  });
});

describe('resolvedPayload', () => {
  it('resolves every alert at the given time, as Alertmanager words a resolve', () => {
    const resolved = resolvedPayload(payload, Date.parse('2026-12-02T03:00:00Z'));
    expect(resolved.status).toBe('resolved');
    expect(resolved.alerts).toEqual([{ ...payload.alerts[0], status: 'resolved', endsAt: '2026-12-02T03:00:00.000Z' }]);
    expect(summarizeGroup(resolved).status).toBe('resolved');
  });
});

describe('the silence on the message', () => {
  const view = (silence?: { until: number; by: string; endedAt?: number }) => ({
    groupKey: 'k',
    payload,
    summary: summarizeGroup(payload),
    managedRunners: [],
    ...(silence ? { silence } : {}),
  });
  const until = Date.parse('2026-12-02T04:00:00Z');

  it('says until when and by whom, and keeps the buttons', () => {
    const text = JSON.stringify(alertGroupMessage(view({ until, by: 'U0ALICE001' })).blocks);
    expect(text).toContain(
      ':no_bell: Silenced until <!date^1796184000^{date_short_pretty} {time}|2026-12-02T04:00:00.000Z>, by <@U0ALICE001>',
    );
    expect(text).toContain('alert_silence_1h');
  });

  it('says when it ended while the group fires', () => {
    const text = JSON.stringify(alertGroupMessage(view({ until, by: 'U0ALICE001', endedAt: until - 60_000 })).blocks);
    expect(text).toContain('The silence set by <@U0ALICE001> ended <!date^1796183940^');
    expect(text).not.toContain('Silenced until');
  });

  it('changes the notification fingerprint when set and when it ends', () => {
    expect(silenceMarker(undefined)).toBe('');
    expect(silenceMarker({ until })).not.toBe(silenceMarker({ until, endedAt: until }));
  });
});
