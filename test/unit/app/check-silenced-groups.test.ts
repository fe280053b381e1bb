// The silenced-group check with in-memory ports: a group Alertmanager no longer lists resolves,
// unless that Alertmanager has only just started (it keeps alerts in memory, so a restarted one
// lists nothing until Prometheus sends them again).
import { describe, expect, it } from 'vitest';
import { checkSilencedGroups } from '../../../src/app/check-silenced-groups.ts';
import type { AlertmanagerPayload } from '../../../src/core/alerts/payload.ts';
import type { GroupSilence, ListedAlert } from '../../../src/core/alerts/ports.ts';

const NOW = Date.parse('2026-12-02T03:00:00Z');
const matchers = { alertname: 'RunnerDown', runner: 'gitlab-runner-02' };
const silence: GroupSilence = {
  silenceId: 's1',
  until: NOW + 3_600_000,
  by: 'U0ALICE001',
  alertmanagerUrl: 'http://am:9093',
  matchers,
  channel: 'C1',
};
const last = {
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: matchers,
      annotations: {},
      startsAt: '',
      endsAt: '',
      generatorURL: '',
      fingerprint: 'f',
    },
  ],
} as unknown as AlertmanagerPayload;

function world(listed: ListedAlert[], startedAt: number) {
  const enqueued: AlertmanagerPayload[] = [];
  const watched = new Map<string, number>([['g1', NOW]]);
  const records = new Map<string, GroupSilence>([['g1', silence]]);
  const deps = {
    silenced: {
      put: async (key: string, s: GroupSilence, at: number) => void (records.set(key, s), watched.set(key, at)),
      get: async (key: string) => records.get(key) ?? null,
      due: async (now: number) => [...watched].filter(([, at]) => at <= now).map(([key]) => key),
      reschedule: async (key: string, at: number) => void watched.set(key, at),
      unwatch: async (key: string) => void watched.delete(key),
      remove: async (key: string) => void (records.delete(key), watched.delete(key)),
      lease: async () => true,
    },
    store: { lastPayload: async () => last },
    alertmanager: { list: async () => listed, startedAt: async () => startedAt },
    intake: { enqueue: async (p: AlertmanagerPayload) => void enqueued.push(p) },
    clock: { now: () => NOW },
    periodMs: 30_000,
    maxGroups: 10,
    freshAlertmanagerMs: 120_000,
  };
  return { deps, enqueued, watched, records };
}

describe('checkSilencedGroups', () => {
  it('resolves a group its Alertmanager (up for a while) no longer lists, through the intake', async () => {
    const w = world([], NOW - 3_600_000);
    expect(await checkSilencedGroups(w.deps)).toEqual([{ groupKey: 'g1', outcome: 'resolved' }]);
    expect(w.enqueued.map((p) => p.status)).toEqual(['resolved']);
    expect(w.watched.has('g1')).toBe(false);
  });

  it('waits while the Alertmanager has only just started', async () => {
    const w = world([], NOW - 10_000);
    expect(await checkSilencedGroups(w.deps)).toEqual([{ groupKey: 'g1', outcome: 'silenced' }]);
    expect(w.enqueued).toEqual([]);
    expect(w.watched.get('g1')).toBe(NOW + 30_000);
  });

  it('shows the last notification again, the silence ended, when an alert fires unmuted', async () => {
    const w = world([{ labels: matchers, state: 'active', silencedBy: [] }], NOW - 3_600_000);
    expect(await checkSilencedGroups(w.deps)).toEqual([{ groupKey: 'g1', outcome: 'ended' }]);
    expect(w.enqueued).toEqual([last]);
    expect(w.records.get('g1')?.endedAt).toBe(NOW);
    expect(w.watched.has('g1')).toBe(false);
  });
});
