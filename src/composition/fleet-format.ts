// How `list` and `status` print the fleet: an aligned table, one runner in detail, or JSON for
// scripts. Times are relative ("3 min ago") for people and absolute (ISO 8601) in JSON.
import type { RunnerView } from '../app/describe-fleet.ts';
import { describeToken } from '../core/token-rotation.ts';
import { ago, table } from './text-table.ts';

export interface ViewWithDrift extends RunnerView {
  drift: string[];
}

const vmText = (v: RunnerView) =>
  v.vm === undefined ? 'unknown' : v.vm === null ? 'none' : `${v.vm.vmid} on ${v.vm.node}, ${v.vm.status}`;

function gitlabText(v: RunnerView, now: number): string {
  const g = v.gitlab;
  if (g === undefined) return 'unknown (GitLab did not answer)';
  if (g === null) return 'none';
  const state = g.paused ? 'paused' : g.online ? 'online' : g.status;
  const contact = g.contactedAt ? `last contact ${ago(Date.parse(g.contactedAt), now)}` : 'never contacted';
  return `#${g.id} ${state}, ${contact}`;
}

function runText(v: RunnerView, now: number): string {
  const r = v.lastRun;
  if (!r) return 'none';
  return `${r.kind} ${r.status.replace('_', ' ')} ${ago(r.finishedAt ?? r.updatedAt, now)}`;
}

export function fleetTable(views: ViewWithDrift[], now: number): string[] {
  const rows = views.map((v) => [
    v.name,
    v.entry?.profile ?? '-',
    vmText(v),
    v.entry?.ip ?? '-',
    gitlabText(v, now),
    runText(v, now),
    v.drift.length > 0 ? `${v.drift.length} (see status)` : '-',
  ]);
  return table(['NAME', 'PROFILE', 'VM', 'IP', 'GITLAB RUNNER', 'LAST RUN', 'DRIFT'], rows);
}

export function runnerDetail(v: ViewWithDrift, now: number): string[] {
  const fields: [string, string][] = [
    ['profile', v.entry?.profile ?? 'no record (not provisioned by runnerbot, or removed)'],
    ['tags', v.entry ? [...v.entry.tags].sort().join(', ') : '-'],
    ['VM', `${vmText(v)}${v.entry?.ip ? `, ${v.entry.ip}` : ''}`],
    ['GitLab', `${gitlabText(v, now)}${v.gitlab ? `, tags ${[...v.gitlab.tagList].sort().join(', ')}` : ''}`],
    ['token', v.entry ? describeToken(v.entry, now) : '-'],
    ['last run', v.lastRun ? `${runText(v, now)} (run ${v.lastRun.id})` : 'none'],
    ['drift', v.drift.length === 0 ? 'none found (record, VM and GitLab agree)' : v.drift[0]!],
    ...v.drift.slice(1).map((d): [string, string] => ['', d]),
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  return [v.name, ...fields.map(([k, value]) => `  ${k.padEnd(width)}  ${value}`)];
}

export function fleetJson(views: ViewWithDrift[], problems: string[]): string {
  const runners = views.map((v) => ({
    name: v.name,
    record: v.entry && { ...v.entry, provisionedAt: new Date(v.entry.provisionedAt).toISOString() },
    vm: v.vm ?? null,
    vmKnown: v.vm !== undefined,
    gitlab: v.gitlab ?? null,
    gitlabKnown: v.gitlab !== undefined,
    lastRun: v.lastRun && {
      id: v.lastRun.id,
      kind: v.lastRun.kind,
      status: v.lastRun.status,
      profile: v.lastRun.spec.profile,
      finishedAt: v.lastRun.finishedAt === undefined ? null : new Date(v.lastRun.finishedAt).toISOString(),
    },
    drift: v.drift,
  }));
  return JSON.stringify({ runners, problems }, null, 2);
}
