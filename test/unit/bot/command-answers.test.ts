// What `/runner` answers, from the pure formatters: usage, dry run, list/status lines, audit, retries.
import { describe, expect, it } from 'vitest';
import type { RunnerView } from '../../../src/app/describe-fleet.ts';
import { auditReply, type AuditRow } from '../../../src/bot/answers/audit.ts';
import { dryRunReply } from '../../../src/bot/answers/dry-run.ts';
import { gitlabText, runnerLine, statusReply, vmText } from '../../../src/bot/answers/fleet.ts';
import { refusalReply, requestedReply, safeReply, usageReply } from '../../../src/bot/answers/replies.ts';
import { retryCommand } from '../../../src/bot/listeners/run-actions.ts';
import { parseCommandText } from '../../../src/core/command.ts';
import { planFor } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const spec = {
  name: 'gitlab-runner-02',
  profile: 'build',
  cores: 4,
  memoryMiB: 8192,
  diskGiB: 40,
  tags: ['docker', 'build'],
  concurrency: 2,
  privileged: true,
  defaultImage: 'alpine:3.20',
  allowedImages: ['alpine:*'],
  allowedServices: ['docker:dind'],
  allowedPullPolicies: ['if-not-present'],
  volumes: ['/cache'],
};
const run: RunRecord = {
  id: 'r_1',
  kind: 'provision',
  runner: 'gitlab-runner-02',
  spec,
  plan: planFor('provision'),
  requester: { userId: 'U0ALICE001', via: 'slack' },
  status: 'failed',
  checkpoint: 3,
  outputs: {},
  createdAt: NOW,
  updatedAt: NOW,
};
const view = (over: Partial<RunnerView> = {}): RunnerView => ({
  name: 'gitlab-runner-02',
  entry: {
    name: 'gitlab-runner-02',
    vmid: 120,
    node: 'pve1',
    ip: '10.0.0.12',
    profile: 'build',
    runnerId: 7,
    tags: ['docker'],
    provisionedAt: NOW,
  },
  vm: {
    vmid: 120,
    node: 'pve1',
    name: 'gitlab-runner-02',
    tags: ['gitlab-runner', 'runnerbot'],
    status: 'running',
    template: false,
  },
  gitlab: {
    id: 7,
    description: 'gitlab-runner-02',
    tagList: ['docker'],
    paused: false,
    locked: true,
    runUntagged: false,
    status: 'online',
    online: true,
    contactedAt: '2025-01-01T11:55:00Z',
  },
  lastRun: run,
  ...over,
});

describe('usage and refusals', () => {
  it('names the wrong part and shows the usage in a code block', () => {
    const parsed = parseCommandText('provision');
    if (parsed.ok) throw new Error('expected a usage error');
    expect(usageReply(parsed.error).text).toBe(
      ":warning: `provision` needs a runner name\n```Usage: /runner provision NAME [--profile P] [--cores N] [--memory MiB] [--disk GiB] [--tags a,b] [--node X] [--dry-run]\n  create a runner VM from a profile; --memory takes MiB (or 8G), --disk GiB, --tags are added to the profile's```",
    );
  });

  it('marks authorization refusals differently from other problems', () => {
    expect(refusalReply({ code: 'APPROVAL.SELF', message: 'you asked' }).text).toBe(':no_entry: you asked');
    expect(refusalReply({ code: 'RUNNER.BUSY', message: 'busy' }).text).toBe(':warning: busy');
  });

  it('says whether a request is queued or waits for approval, and where to follow it', () => {
    expect(requestedReply(run, false, 'C0OPS00001').text).toBe(
      'Provision `gitlab-runner-02` is queued (run `r_1`). Follow it in <#C0OPS00001>.',
    );
    expect(requestedReply({ ...run, kind: 'deprovision' }, true, undefined).text).toBe(
      'Deprovision `gitlab-runner-02` is waiting for a second person to approve it (run `r_1`).',
    );
  });

  it('removes secrets from text and blocks before they leave', () => {
    const reply = safeReply(
      { text: 'token xoxb-123', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'xoxb-123' } }] },
      (t) => t.split('xoxb-123').join('***'),
    );
    expect(JSON.stringify(reply)).not.toContain('xoxb-123');
  });
});

describe('dry run', () => {
  const policy = { nodes: ['pve1', 'pve2'], vmidRange: { min: 9000, max: 9099 }, provisionNeedsApproval: false };

  it('says what a removal would remove, each step in words, the approval, and that nothing changed', () => {
    const command = { kind: 'deprovision' as const, name: 'gitlab-runner-02', dryRun: true };
    const text = dryRunReply(command, { spec, plan: planFor('deprovision') }, view().entry, policy).text;
    expect(text).toContain(
      'It would remove VM 120 on pve1 (10.0.0.12) and GitLab runner #7, after pausing the runner and waiting for its running jobs.',
    );
    expect(text).toContain('1. pause-runner: pause the GitLab runner and wait for its running jobs.');
    expect(text).toContain('5. delete-vm: delete the VM and its disks.');
    expect(text).toContain('A second person would have to approve it.');
    expect(text).toContain('Nothing was changed.');
  });

  it('says where a new runner would go, its size, tags and profile, and the VMID range', () => {
    const command = { kind: 'provision' as const, name: 'gitlab-runner-09', dryRun: true };
    const text = dryRunReply(
      command,
      { spec: { ...spec, name: 'gitlab-runner-09' }, plan: planFor('provision') },
      null,
      policy,
    ).text;
    expect(text).toContain(
      `It would create a VM named gitlab-runner-09 on whichever of pve1 and pve2 placement chooses, with the first free VMID in 9000-9099: ${spec.cores} cores,`,
    );
    expect(text).toContain(`(profile ${spec.profile}).`);
    expect(text).toContain('2. reserve-vmid: reserve a free VMID in 9000-9099.');
    expect(text).not.toContain('approve');
  });
});

describe('list and status', () => {
  it('joins VM, GitLab state with last contact, and the last run on one line', () => {
    expect(runnerLine(view(), NOW)).toBe(
      '*gitlab-runner-02* · VM 120 on pve1, running, 10.0.0.12 · GitLab runner #7 online, last contact 5 min ago · last run ❌ provision failed (`r_1`)',
    );
  });

  it('says which service did not answer instead of guessing', () => {
    expect(vmText(view({ vm: undefined }))).toBe('VM unknown (Proxmox did not answer)');
    expect(vmText(view({ vm: null }))).toBe('VM 120 *missing*');
    expect(gitlabText(view({ gitlab: undefined }), NOW)).toBe('GitLab unknown (GitLab did not answer)');
    expect(gitlabText(view({ gitlab: { ...view().gitlab!, paused: true } }), NOW)).toContain('paused');
  });

  it('status of an unknown runner says so', () => {
    const none = view({ entry: null, vm: null, gitlab: null, lastRun: null });
    expect(statusReply({ runners: [none], problems: [] }, 'gitlab-runner-02', NOW).text).toBe(
      'runnerbot knows no runner called `gitlab-runner-02`.',
    );
  });
});

describe('audit', () => {
  const entry = (at: number, type: AuditRow['type'], detail: AuditRow['detail'], actor?: string): AuditRow => ({
    at,
    type,
    runId: 'r_1',
    runner: 'gitlab-runner-02',
    ...(actor ? { actor } : {}),
    detail,
  });

  it("folds a run's request, approval, steps and end into one line with its outcome and a relative time", () => {
    const newestFirst = [
      entry(NOW - 60_000, 'job-end', { kind: 'reprovision', outcome: 'succeeded' }),
      entry(NOW - 90_000, 'step', { step: 'delete-vm', applied: true }),
      entry(NOW - 100_000, 'step', { step: 'pause-runner', applied: true }),
      entry(NOW - 110_000, 'approval', { decision: 'approved', withdrawn: false }, 'U0BOB00001'),
      entry(NOW - 120_000, 'request', { kind: 'reprovision', via: 'slack', awaitingApproval: true }, 'U0ALICE001'),
    ];
    expect(auditReply(newestFirst, undefined, NOW).text).toBe(
      [
        'Latest 1 events, newest first:',
        '`2 min ago` <@U0ALICE001> reprovision gitlab-runner-02: succeeded in 1 min (2 steps, approved by U0BOB00001) · run `r_1`',
      ].join('\n'),
    );
  });

  it('says where a run failed, who denied one, and that one waits', () => {
    const failed = auditReply(
      [
        {
          ...entry(NOW - 5_000, 'job-end', {
            kind: 'provision',
            outcome: 'failed',
            step: 'clone',
            code: 'PROXMOX.TASK_FAILED',
          }),
        },
        entry(NOW - 65_000, 'request', { kind: 'provision', via: 'cli' }, 'cli:root@host'),
      ],
      'gitlab-runner-02',
      NOW,
    ).text;
    expect(failed).toContain(
      '`cli:root@host` provision gitlab-runner-02: failed at clone: PROXMOX.TASK_FAILED after 1 min',
    );
    const denied = auditReply(
      [
        entry(NOW - 1_000, 'approval', { decision: 'denied', withdrawn: false }, 'U0BOB00001'),
        entry(NOW - 2_000, 'request', { kind: 'deprovision', awaitingApproval: true }, 'U0ALICE001'),
      ],
      undefined,
      NOW,
    ).text;
    expect(denied).toContain('deprovision gitlab-runner-02: denied by U0BOB00001');
    expect(
      auditReply([entry(NOW, 'request', { kind: 'deprovision', awaitingApproval: true }, 'U0ALICE001')], undefined, NOW)
        .text,
    ).toContain('waiting for approval');
    expect(auditReply([], 'x', NOW).text).toBe('No audit entries for `x`.');
  });
});

describe('Retry', () => {
  it('asks for the same provision again, overrides included', () => {
    expect(retryCommand(run)).toEqual({
      kind: 'provision',
      name: 'gitlab-runner-02',
      profile: 'build',
      cores: 4,
      memoryMiB: 8192,
      diskGiB: 40,
      tags: ['docker', 'build'],
      dryRun: false,
    });
  });

  it('asks for a rebuild again with a reason pointing at the failed run', () => {
    expect(retryCommand({ ...run, kind: 'reprovision', plan: planFor('reprovision'), reason: 'disk full' })).toEqual({
      kind: 'reprovision',
      name: 'gitlab-runner-02',
      profile: 'build',
      reason: 'retry of run r_1: disk full',
      dryRun: false,
    });
  });

  it('asks for an in-place rebuild again when the failed one was in place', () => {
    const inPlace = { ...run, kind: 'reprovision' as const, plan: planFor('reprovision', { inPlace: true }) };
    expect(retryCommand(inPlace)).toMatchObject({ kind: 'reprovision', inPlace: true });
  });
});
