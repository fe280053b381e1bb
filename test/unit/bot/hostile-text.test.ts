// Every Slack message builder, walked with hostile outside text in every field that can carry it
// (a reason, a CLI user, Proxmox node names and statuses, error messages, audit details, alert
// labels and annotations). In mrkdwn, nothing from outside may stay live: the only `<…>` sequences
// left are the ones runnerbot writes itself (a mention of a validated user id, a channel id, a
// date, a link to an http(s) URL). plain_text is never parsed by Slack, so it is not checked.
import { describe, expect, it } from 'vitest';
import { alertGroupMessage, resolvedReply } from '../../../src/bot/alerts/alert-message.ts';
import { digestMessage } from '../../../src/bot/alerts/digest-message.ts';
import { auditReply } from '../../../src/bot/answers/audit.ts';
import { doctorReply } from '../../../src/bot/answers/doctor.ts';
import { dryRunReply } from '../../../src/bot/answers/dry-run.ts';
import { listReply, statusReply } from '../../../src/bot/answers/fleet.ts';
import { poolsReply, scaleReply } from '../../../src/bot/answers/pools.ts';
import { refusalReply, requestedReply, unexpectedReply, usageReply } from '../../../src/bot/answers/replies.ts';
import {
  failureMessage,
  progressMessage,
  rootMessage,
  summaryMessage,
  type SlackMessage,
} from '../../../src/bot/blocks/index.ts';
import { homeView } from '../../../src/bot/listeners/app-home.ts';
import { fleetBlocks } from '../../../src/bot/answers/fleet.ts';
import { summarizeGroup } from '../../../src/core/alerts/summary.ts';
import { ALL_RUNNERS, planFor } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import type { FleetDescription } from '../../../src/app/describe-fleet.ts';
import type { AlertmanagerPayload } from '../../../src/core/alerts/payload.ts';
import { HOSTILE_TEXTS } from '../../support/hostile-texts.ts';
import { quoteInput } from '../../../src/core/command-echo.ts';

const run = (hostile: string, patch: Partial<RunRecord> = {}): RunRecord => ({
  id: 'r1',
  kind: 'reprovision',
  runner: 'gitlab-runner-02',
  plan: planFor('reprovision'),
  status: 'awaiting_approval',
  checkpoint: 1,
  outputs: {
    vmid: 9001,
    node: hostile,
    ip: hostile,
    runnerId: 7,
    lastContact: hostile,
    previous: { node: hostile, ip: hostile },
  },
  requester: { userId: `cli:${hostile}`, via: 'cli' },
  channel: 'C1',
  createdAt: 1_000,
  updatedAt: 1_000,
  startedAt: 1_000,
  finishedAt: 5_000,
  reason: hostile,
  error: { code: hostile, message: hostile },
  spec: {
    name: 'gitlab-runner-02',
    profile: hostile,
    cores: 4,
    memoryMiB: 8192,
    diskGiB: 64,
    tags: [hostile],
    concurrency: 2,
    privileged: false,
    defaultImage: 'alpine',
    allowedImages: [hostile],
    allowedServices: [],
    allowedPullPolicies: [],
    volumes: [],
    node: hostile,
  },
  ...patch,
});

const fleet = (hostile: string): FleetDescription => ({
  runners: [
    {
      name: hostile,
      entry: {
        name: hostile,
        vmid: 1,
        node: hostile,
        ip: hostile,
        profile: hostile,
        runnerId: 2,
        tags: [hostile],
        provisionedAt: 1,
      },
      vm: { vmid: 1, node: hostile, name: hostile, tags: [], status: hostile, template: false },
      gitlab: {
        id: 2,
        description: hostile,
        tagList: [],
        paused: false,
        locked: false,
        runUntagged: false,
        status: hostile,
        online: false,
        contactedAt: hostile,
      },
      lastRun: run(hostile),
    },
  ],
  problems: [hostile],
});

const payload = (hostile: string): AlertmanagerPayload => ({
  version: '4',
  groupKey: hostile,
  truncatedAlerts: 0,
  status: 'firing',
  receiver: hostile,
  groupLabels: { alertname: hostile, team: hostile },
  commonLabels: { alertname: hostile, team: hostile, [hostile]: hostile },
  commonAnnotations: { summary: hostile, runbook_url: hostile },
  externalURL: hostile,
  alerts: [
    {
      status: 'firing',
      labels: { alertname: hostile, severity: hostile, runner: hostile, [hostile]: hostile },
      annotations: { summary: hostile, description: hostile, runbook_url: hostile },
      startsAt: '',
      endsAt: '',
      generatorURL: hostile,
      fingerprint: 'f',
    },
  ],
});

function builders(hostile: string): [string, SlackMessage | { blocks: unknown[] }][] {
  const r = run(hostile);
  const p = payload(hostile);
  const view = { groupKey: 'g', payload: p, summary: summarizeGroup(p), managedRunners: [] };
  const f = fleet(hostile);
  return [
    ['rootMessage (approval card)', rootMessage(r)],
    ['rootMessage (decided)', rootMessage(r, { decision: 'approved', by: hostile })],
    [
      'progressMessage',
      progressMessage(r, {
        finished: {},
        failed: { step: r.plan[1]!, code: hostile, message: hostile, willRetry: true },
      }),
    ],
    ['summaryMessage', summaryMessage({ ...r, kind: 'provision', plan: planFor('provision') })],
    [
      'summaryMessage (one token rotation)',
      summaryMessage({ ...r, kind: 'rotate-token', outputs: { ...r.outputs, tokenExpiresAt: hostile } }),
    ],
    [
      'summaryMessage (rotate-token --all)',
      summaryMessage({
        ...r,
        kind: 'rotate-token',
        runner: ALL_RUNNERS,
        outputs: { rotations: { [hostile]: 'rotated', [`${hostile}-2`]: `failed at verify: ${hostile}` } },
      }),
    ],
    ['failureMessage', failureMessage(r)],
    [
      'auditReply',
      auditReply(
        [
          {
            at: 0,
            type: 'request',
            runner: hostile,
            runId: hostile,
            actor: hostile,
            detail: { reason: hostile, [hostile]: hostile },
          },
        ],
        hostile,
        0,
      ),
    ],
    [
      'dryRunReply',
      dryRunReply(
        { kind: 'reprovision', name: hostile, reason: hostile, dryRun: true },
        { spec: r.spec, plan: r.plan } as never,
        f.runners[0]!.entry,
        { nodes: [hostile], provisionNeedsApproval: true },
      ),
    ],
    ['listReply', listReply(f, 0)],
    [
      'scaleReply',
      scaleReply(
        { profile: 'build', previous: 3, desired: 1, retiring: [{ ...r, runner: hostile }], refused: [hostile] },
        true,
      ),
    ],
    [
      'poolsReply',
      poolsReply(
        [
          {
            desire: { profile: 'build', desired: 2, setBy: `cli:${hostile}`, setAt: 0 },
            inPlace: [],
            coming: [],
            leaving: [],
            progress: { profile: 'build', requested: {}, failures: 1, note: hostile, reconciledAt: 0 },
          },
        ],
        0,
      ),
    ],
    [
      'doctorReply',
      doctorReply([
        { ok: true, name: hostile, detail: hostile },
        { ok: false, name: hostile, detail: hostile, fix: hostile },
      ]),
    ],
    ['statusReply', statusReply(f, hostile, 0)],
    ['statusReply (unknown)', statusReply({ runners: [], problems: [hostile] }, hostile, 0)],
    ['homeView', homeView(fleetBlocks(f, 0), 1)],
    ['usageReply', usageReply({ code: 'COMMAND.USAGE', message: hostile, usage: hostile } as never)],
    [
      'refusalReply',
      refusalReply({ code: 'RUNNER.NAME_INVALID', message: `runner name ${quoteInput(hostile)} is not valid` }),
    ],
    ['unexpectedReply', unexpectedReply(hostile)],
    ['requestedReply', requestedReply(r, true, hostile)],
    ['alertGroupMessage', alertGroupMessage(view)],
    ['resolvedReply', resolvedReply(view)],
    [
      'digestMessage',
      digestMessage([
        { groupKey: hostile, status: 'firing', severity: hostile, title: hostile, firing: 1, resolved: 0 },
      ]),
    ],
  ];
}

/** Every mrkdwn string of a message: the top-level text and each mrkdwn text object, anywhere. */
function mrkdwnTexts(message: { text?: string; blocks?: unknown[] }): string[] {
  const found: string[] = message.text === undefined ? [] : [message.text];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') found.push(o.text);
    Object.values(o).forEach(walk);
  };
  walk(message.blocks ?? []);
  return found;
}

// What runnerbot itself writes: mentions of validated ids, channels, dates, and links to http(s) URLs it checked.
const OURS = /<@[UW][A-Z0-9]+>|<#[CG][A-Z0-9]+>|<!date\^\d+\^[^|<>]*\|[^<>]*>|<https?:\/\/[^\s<>|]+\|[^<>]*>/g;

describe.each(HOSTILE_TEXTS)('hostile text %j', (hostile) => {
  it.each(builders(hostile).map(([name, message]) => [name, message] as const))(
    '%s leaves nothing live',
    (_name, message) => {
      for (const text of mrkdwnTexts(message)) {
        const rest = text.replace(OURS, '');
        expect(rest, text).not.toMatch(/[<>]/);
        expect(text).not.toContain(hostile.includes('<') ? hostile : '\u0000');
      }
    },
  );
});

it('shows hostile text literally: escaped, not dropped', () => {
  const message = rootMessage(run('<!channel> <https://evil.example/login|Approve in GitLab> <!here>'));
  expect(JSON.stringify(message.blocks)).toContain(
    '*Reason*\\n&lt;!channel&gt; &lt;https://evil.example/login|Approve in GitLab&gt; &lt;!here&gt;',
  );
});
