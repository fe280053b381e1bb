import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/core/alerts/hash.ts';
import type { AlertmanagerAlert } from '../../../src/core/alerts/payload.ts';
import { alertGroupKey, runnerNameFromInstance, summarizeGroup } from '../../../src/core/alerts/summary.ts';

const alert = (status: 'firing' | 'resolved', labels: Record<string, string>): AlertmanagerAlert => ({
  status,
  labels,
  annotations: {},
  startsAt: '2025-01-01T12:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus/graph',
  fingerprint: Object.values(labels).join('-'),
});

describe('summarizeGroup', () => {
  it('counts, names, picks the worst firing severity and finds the runners', () => {
    const summary = summarizeGroup({
      status: 'firing',
      truncatedAlerts: 2,
      alerts: [
        alert('firing', { alertname: 'RunnerDown', severity: 'warning', instance: 'gitlab-runner-02:9100' }),
        alert('firing', {
          alertname: 'RunnerHighDiskUsage',
          severity: 'critical',
          instance: 'gitlab-runner-03.ci.example.com:9100',
        }),
        alert('resolved', {
          alertname: 'RunnerDown',
          severity: 'info',
          runner: 'gitlab-runner-04',
          instance: '10.0.0.4:9100',
        }),
        alert('firing', { alertname: 'RunnerDown', severity: 'warning', instance: 'gitlab-runner-02:9252' }),
      ],
    });
    expect(summary).toEqual({
      status: 'firing',
      firing: 3,
      resolved: 1,
      truncated: 2,
      alertnames: ['RunnerDown', 'RunnerHighDiskUsage'],
      severity: 'critical',
      runners: ['gitlab-runner-02', 'gitlab-runner-03', 'gitlab-runner-04'],
    });
  });

  it('a resolved critical alert does not make a firing warning critical', () => {
    const summary = summarizeGroup({
      status: 'firing',
      alerts: [
        alert('resolved', { alertname: 'A', severity: 'critical' }),
        alert('firing', { alertname: 'A', severity: 'warning' }),
      ],
    });
    expect(summary.severity).toBe('warning');
  });

  it('when all are resolved, reports the worst severity among them', () => {
    const summary = summarizeGroup({
      status: 'resolved',
      alerts: [
        alert('resolved', { alertname: 'A', severity: 'info' }),
        alert('resolved', { alertname: 'A', severity: 'error' }),
      ],
    });
    expect(summary).toMatchObject({ status: 'resolved', firing: 0, resolved: 2, truncated: 0, severity: 'error' });
  });

  it.each([
    [['warning', 'page'], 'page'],
    [['minor', 'major'], 'major'],
    [['info', 'custom'], 'info'],
    [['custom', 'other'], 'custom'],
    [['Warning', 'INFO'], 'Warning'],
  ])('ranks %j -> %s', (severities, expected) => {
    const summary = summarizeGroup({
      status: 'firing',
      alerts: severities.map((severity) => alert('firing', { severity })),
    });
    expect(summary.severity).toBe(expected);
  });

  it('leaves out what no alert carries', () => {
    const summary = summarizeGroup({
      status: 'firing',
      alerts: [alert('firing', { job: 'x', instance: '10.1.2.3:9100' })],
    });
    expect(summary).toEqual({ status: 'firing', firing: 1, resolved: 0, truncated: 0, alertnames: [], runners: [] });
  });

  it('trusts the payload status when the alert list is empty', () => {
    expect(summarizeGroup({ status: 'resolved', alerts: [] }).status).toBe('resolved');
  });
});

describe('runnerNameFromInstance', () => {
  it.each([
    ['gitlab-runner-02:9100', 'gitlab-runner-02'],
    ['gitlab-runner-02', 'gitlab-runner-02'],
    ['GitLab-Runner-02.example.com:9252', 'gitlab-runner-02'],
    ['http://gitlab-runner-02:8080/metrics', 'gitlab-runner-02'],
    ['10.0.0.5:9100', undefined],
    ['[fe80::1]:9100', undefined],
    ['', undefined],
    ['bad_host:9100', undefined],
  ])('%j -> %j', (instance, expected) => {
    expect(runnerNameFromInstance(instance)).toBe(expected);
  });
});

describe('alertGroupKey', () => {
  const groupKey = '{}/{severity="critical"}:{alertname="RunnerDown"}';

  it('is stable, short and safe for a Redis key or a button value', () => {
    const key = alertGroupKey({ receiver: 'runnerbot', groupKey });
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(alertGroupKey({ receiver: 'runnerbot', groupKey })).toBe(key);
    expect(key).toBe(
      createHash('sha256')
        .update(JSON.stringify(['runnerbot', groupKey]))
        .digest('hex')
        .slice(0, 32),
    );
  });

  it('differs by receiver and by group, with no ambiguity where the two meet', () => {
    const keys = new Set([
      alertGroupKey({ receiver: 'runnerbot', groupKey }),
      alertGroupKey({ receiver: 'other', groupKey }),
      alertGroupKey({ receiver: 'runnerbot', groupKey: `${groupKey}x` }),
      alertGroupKey({ receiver: 'a', groupKey: 'bc' }),
      alertGroupKey({ receiver: 'ab', groupKey: 'c' }),
    ]);
    expect(keys.size).toBe(5);
  });
});

describe('sha256Hex', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'x'.repeat(1000), 'héllo “x” 🚀'])(
    'agrees with node:crypto for %#',
    (text) => {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    },
  );

  it('matches the FIPS 180-4 test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
