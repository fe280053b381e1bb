// The sandbox's Slack workspace: three people with different rights, the user groups runnerbot's
// configuration names, and the channels it posts to.
import type { SimChannel, SimUser, SimUserGroup } from '../sim/slack/index.ts';

export type Role = 'operator' | 'approver' | 'stranger';

export interface Person extends SimUser {
  role: Role;
  /** What the person may do, in the page's switch. */
  rights: string;
}

export const PEOPLE: Person[] = [
  { id: 'U0OLIVIA01', name: 'olivia', real_name: 'Olivia (operator)', role: 'operator', rights: 'may ask for changes' },
  {
    id: 'U0ARJUN001',
    name: 'arjun',
    real_name: 'Arjun (approver)',
    role: 'approver',
    rights: 'may ask for and approve changes',
  },
  { id: 'U0SAM00001', name: 'sam', real_name: 'Sam (stranger)', role: 'stranger', rights: 'may do nothing' },
];

const idOf = (role: Role) => PEOPLE.find((p) => p.role === role)!.id;

export const GROUPS = {
  operators: {
    id: 'S0OPERATORS',
    handle: 'runner-operators',
    name: 'Runner operators',
    users: [idOf('operator'), idOf('approver')],
  },
  approvers: { id: 'S0APPROVERS', handle: 'runner-approvers', name: 'Runner approvers', users: [idOf('approver')] },
} satisfies Record<string, SimUserGroup>;

export const CHANNELS = {
  runners: { id: 'C0RUNNERS01', name: 'runners' },
  alerts: { id: 'C0ALERTS001', name: 'runner-alerts' },
} satisfies Record<string, SimChannel>;

export const slackWorkspace = {
  users: PEOPLE.map(({ id, name, real_name }) => ({ id, name, real_name })),
  usergroups: Object.values(GROUPS),
  channels: Object.values(CHANNELS),
};
