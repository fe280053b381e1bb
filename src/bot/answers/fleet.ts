// `list`, `status NAME` and the App Home: each runner's VM, GitLab state and last run.
import type { FleetDescription, RunnerView } from '../../app/describe-fleet.ts';
import { STATUS_EMOJI, STATUS_LABEL, type SlackBlock } from '../blocks/index.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import { describeToken } from '../../core/token-rotation.ts';
import type { Reply } from './replies.ts';

const ago = (iso: string | undefined, now: number): string => {
  if (!iso) return 'never';
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  if (Number.isNaN(minutes)) return iso;
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
};

export function vmText(view: RunnerView): string {
  if (view.vm === undefined) return 'VM unknown (Proxmox did not answer)';
  if (view.vm === null) return view.entry ? `VM ${view.entry.vmid} *missing*` : 'no VM';
  return escapeMrkdwn(
    `VM ${view.vm.vmid} on ${view.vm.node}, ${view.vm.status}${view.entry?.ip ? `, ${view.entry.ip}` : ''}`,
  );
}

export function gitlabText(view: RunnerView, now: number): string {
  if (view.gitlab === undefined) return 'GitLab unknown (GitLab did not answer)';
  if (view.gitlab === null) return 'no GitLab runner';
  const g = view.gitlab;
  const state = g.paused ? 'paused' : g.online ? 'online' : g.status;
  return escapeMrkdwn(`GitLab runner #${g.id} ${state}, last contact ${ago(g.contactedAt, now)}`);
}

export function lastRunText(view: RunnerView): string {
  const run = view.lastRun;
  if (!run) return 'no runs';
  return `last run ${STATUS_EMOJI[run.status]} ${run.kind} ${STATUS_LABEL[run.status]} (${code(run.id)})`;
}

export function runnerLine(view: RunnerView, now: number): string {
  return `*${escapeMrkdwn(view.name)}* · ${vmText(view)} · ${gitlabText(view, now)} · ${lastRunText(view)}`;
}

/** "Proxmox and GitLab as of 3 s ago": the shared view is refreshed every few seconds, not per question. */
export function freshnessText(description: FleetDescription, now: number): string {
  if (description.upstreamAt === undefined) return '';
  const seconds = Math.max(0, Math.round((now - description.upstreamAt) / 1000));
  return `Proxmox and GitLab as of ${seconds < 1 ? 'just now' : seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`}`;
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): SlackBlock[] =>
  text ? [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] : [];
const note = (problems: string[]): SlackBlock[] =>
  context(problems.length ? `:warning: ${escapeMrkdwn(problems.join(' · '))}` : '');

/** One section per runner, at most `max` of them. */
export function fleetBlocks(description: FleetDescription, now: number, max = 40): SlackBlock[] {
  const { runners, problems } = description;
  const shown = runners.slice(0, max).map((view) => section(runnerLine(view, now)));
  const more = runners.length > max ? [section(`… and ${runners.length - max} more`)] : [];
  return [...shown, ...more, ...note(problems), ...context(freshnessText(description, now))];
}

export function listReply(description: FleetDescription, now: number): Reply {
  const count = description.runners.length;
  const head =
    count === 0 ? 'runnerbot manages no runners yet.' : `runnerbot manages ${count} runner${count === 1 ? '' : 's'}:`;
  const lines = [head, ...description.runners.map((v) => runnerLine(v, now)), freshnessText(description, now)];
  return { text: lines.filter(Boolean).join('\n'), blocks: [section(head), ...fleetBlocks(description, now)] };
}

export function statusReply(description: FleetDescription, name: string, now: number): Reply {
  const view = description.runners.find((v) => v.name === name);
  if (!view) return { text: `runnerbot knows no runner called ${code(name)}.` };
  const unknown = !view.entry && !view.vm && !view.gitlab && !view.lastRun;
  if (unknown)
    return {
      text: `runnerbot knows no runner called ${code(name)}.`,
      blocks: [section(`runnerbot knows no runner called ${code(name)}.`), ...note(description.problems)],
    };
  const profile = view.entry
    ? escapeMrkdwn(`profile ${view.entry.profile}, tags ${view.entry.tags.join(', ') || '(none)'}`)
    : 'not in the fleet records';
  const token = view.entry ? `token ${describeToken(view.entry, now)}` : undefined;
  const lines = [
    `*${escapeMrkdwn(name)}*`,
    vmText(view),
    gitlabText(view, now),
    profile,
    token,
    lastRunText(view),
  ].filter((l): l is string => l !== undefined);
  const freshness = freshnessText(description, now);
  return {
    text: [...lines, freshness].filter(Boolean).join('\n'),
    blocks: [section(lines.join('\n')), ...note(description.problems), ...context(freshness)],
  };
}
