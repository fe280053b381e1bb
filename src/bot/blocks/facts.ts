// A run's facts as Block Kit fields: the machine it concerns and the spec it asks for.
import type { RunRecord } from '../../core/run.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';
import type { SlackBlock } from './types.ts';

export type Fact = [label: string, value: string | number | undefined];

const field = ([label, value]: Fact) => ({ type: 'mrkdwn' as const, text: `*${label}*\n${value}` });

/** A section of up to 10 fields; facts without a value are left out. */
export function factsSection(facts: Fact[]): SlackBlock | null {
  const present = facts.filter(([, value]) => value !== undefined && value !== '');
  if (present.length === 0) return null;
  return { type: 'section', fields: present.slice(0, 10).map(field) };
}

/** An ISO time as Slack shows dates (in each reader's time zone); other text as it is, escaped. */
const slackDate = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms)
    ? escapeMrkdwn(iso)
    : `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(iso)}>`;
};

/** Outside text (from Proxmox, GitLab or a user), escaped when present. */
export const optional = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : escapeMrkdwn(text);

/** The existing machine a rebuild or removal will touch. */
export const targetFacts = (run: RunRecord): Fact[] => {
  const { vmid, node, ip, runnerId, lastContact } = run.outputs;
  return [
    ['VMID', vmid],
    ['Node', optional(node)],
    ['IP', optional(ip)],
    ['GitLab runner', runnerId === undefined ? undefined : `#${runnerId}`],
    ['Last contact', lastContact === undefined ? undefined : slackDate(lastContact)],
  ];
};

/** What a provision asks for. */
export const specFacts = (run: RunRecord): Fact[] => {
  const { profile, cores, memoryMiB, diskGiB, tags, node } = run.spec;
  return [
    ['Profile', escapeMrkdwn(profile)],
    ['Size', `${cores} cores, ${memoryMiB} MiB, ${diskGiB} GiB`],
    ['Tags', tags.length ? escapeMrkdwn(tags.join(', ')) : undefined],
    ['Node', optional(node)],
  ];
};

export const compact = <T>(items: (T | null | undefined | false)[]): T[] => items.filter((i): i is T => Boolean(i));
