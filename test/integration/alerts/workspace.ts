// The Slack workspace, routes and policy the alert tests run against.
import type { RequestPolicy } from '../../../src/app/request-policy.ts';
import type { SlackSimOptions } from '../../../sim/slack/index.ts';

export const ALICE = 'U0ALICE001'; // operator, through the operators group
export const DAVE = 'U0DAVE0001'; // not an operator
export const OPERATORS = 'S0OPERATE1';
export const OPS = 'C0OPS00001';
export const CRITICAL = 'C0CRIT0001';
export const DEFAULT = 'C0ALERTS01';

export const workspace: SlackSimOptions = {
  users: [
    { id: ALICE, name: 'alice', real_name: 'Alice Operator' },
    { id: DAVE, name: 'dave', real_name: 'Dave Visitor' },
  ],
  usergroups: [{ id: OPERATORS, handle: 'runner-ops', name: 'Runner operators', users: [ALICE] }],
  channels: [
    { id: OPS, name: 'ops' },
    { id: CRITICAL, name: 'critical' },
    { id: DEFAULT, name: 'alerts' },
  ],
};

/** Critical alerts to #critical and (continue) runner alerts to #ops; everything else to #alerts. */
export const routes = [
  { matchers: ['severity="critical"'], channel: CRITICAL, continue: true },
  { matchers: ['runner=~"gitlab-runner-.*"'], channel: OPS, continue: false },
];

export const policy: RequestPolicy = {
  profiles: {
    default: {
      cores: 2,
      memoryMiB: 2048,
      diskGiB: 20,
      tags: ['docker'],
      concurrency: 2,
      privileged: false,
      defaultImage: 'alpine:3.20',
      allowedImages: ['alpine:*'],
      allowedServices: [],
      allowedPullPolicies: ['if-not-present'],
      volumes: ['/cache'],
    },
  },
  defaultProfile: 'default',
  namePattern: '^gitlab-runner-[a-z0-9-]+$',
  nodes: ['pve1'],
  operators: [OPERATORS],
  approvers: [OPERATORS],
  approvalTtlMinutes: 30,
  provisionNeedsApproval: false,
};
