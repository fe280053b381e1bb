// From Slack to a running runner, over Socket Mode: `/runner provision` and an approval-gated
// `/runner reprovision`, against a real `runnerbot all`, real Redis and the simulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/bot/blocks/index.ts';
import { APPROVER, CHANNEL, OPERATOR, STRANGER, startService, until, type Service } from './slack-harness.ts';

let s: Service;
beforeAll(async () => {
  s = await startService({ mode: 'socket' });
}, 120_000);
afterAll(() => s?.close(), 60_000);

const slack = () => s.sims.slack;
const command = (text: string, userId = OPERATOR) => slack().sendSlashCommand({ text, userId, channelId: CHANNEL });
const rootOf = (runner: string, kind: string) =>
  until(
    () =>
      slack()
        .channel(CHANNEL)
        .messages()
        .find((m) => m.text.includes(`${kind} ${runner}`)),
    30_000,
    `the root message of ${kind} ${runner}`,
  );
const told = (userId: string, pattern: RegExp) =>
  until(
    () =>
      slack()
        .ephemerals(userId)
        .find((e) => pattern.test(e.text)),
    30_000,
    `an answer matching ${pattern}`,
  );

describe('/runner provision', () => {
  it('ends in a thread with progress and a summary; the VM and the GitLab runner exist', async () => {
    const ack = await command('provision gitlab-runner-02');
    expect(ack).toMatchObject({ acked: true, body: { text: 'On it…' } });
    await told(OPERATOR, /Provision `gitlab-runner-02` is queued/);
    const root = await rootOf('gitlab-runner-02', 'provision');
    // The thread holds the progress message (edited as steps pass) and then the summary.
    const thread = await until(
      () => {
        const replies = slack()
          .thread(CHANNEL, root.ts)
          .filter((m) => m.ts !== root.ts);
        return replies.length >= 2 ? replies : undefined;
      },
      120_000,
      'the run summary in the thread',
    );
    const [progress, summary] = thread;
    expect(progress!.text + JSON.stringify(progress!.blocks)).toContain('announce');
    expect(summary!.text + JSON.stringify(summary!.blocks)).toMatch(/VMID/);
    expect(thread.map((m) => m.text).join('\n')).not.toMatch(/failed/i);
    // Steps that changed something, and steps that only look or wait, are told apart.
    const lines = await until(
      () => {
        const text = JSON.stringify(slack().thread(CHANNEL, root.ts)[1]?.blocks ?? []);
        return text.includes('✓ announce')
          ? (JSON.parse(text) as { text?: { text: string } }[])[1]!.text!.text.split('\n')
          : undefined;
      },
      30_000,
      'the final progress message',
    );
    expect(lines.find((l) => l.startsWith('✓ clone'))).toMatch(/^✓ clone — [\d.]+ m?s$/);
    for (const step of ['find-vm', 'wait-ip', 'wait-ssh', 'verify'])
      expect(lines.find((l) => l.startsWith(`✓ ${step} `))).toMatch(/ \(checked\)$/);
    expect(lines.join('\n')).not.toContain('(already done)');
    expect([...s.sims.proxmox.state.vms.values()].map((vm) => vm.config.name)).toContain('gitlab-runner-02');
    expect(s.sims.gitlab.runners().map((r) => r.description)).toContain('gitlab-runner-02');
  }, 180_000);
});

describe('/runner reprovision', () => {
  it('waits for a second person: the requester and a stranger are refused, an approver runs exactly one job', async () => {
    await command('reprovision gitlab-runner-02 --reason e2e');
    const card = await until(
      () =>
        slack()
          .channel(CHANNEL)
          .messages()
          .find(
            (m) =>
              m.text.includes('reprovision gitlab-runner-02') && JSON.stringify(m.blocks).includes(ACTION_IDS.approve),
          ),
      30_000,
      'the approval card',
    );
    const runId = /"value":"([^"]+)"/.exec(JSON.stringify(card.blocks))![1]!;
    // What will be rebuilt: the VM, its address, the GitLab runner and when GitLab last heard from it.
    expect(JSON.stringify(card.blocks)).toMatch(
      /\*VMID\*\\n\d+.*\*IP\*\\n127\..*\*GitLab runner\*\\n#\d+.*\*Last contact\*\\n<!date\^\d+/,
    );
    const click = (userId: string) =>
      slack().sendBlockAction({ userId, channelId: CHANNEL, messageTs: card.ts, actionId: ACTION_IDS.approve });

    await click(OPERATOR);
    await told(OPERATOR, /someone else must approve it/);
    await click(STRANGER);
    await told(STRANGER, /can approve/);
    expect((await s.runs.get(runId))?.status).toBe('awaiting_approval');

    await Promise.all([click(APPROVER), click(APPROVER)]);
    await until(
      async () => ['succeeded', 'failed'].includes((await s.runs.get(runId))?.status ?? ''),
      120_000,
      'the rebuild to finish',
    );
    await until(
      () =>
        !JSON.stringify(
          slack()
            .channel(CHANNEL)
            .messages()
            .find((m) => m.ts === card.ts)?.blocks,
        ).includes(ACTION_IDS.approve),
      30_000,
      'the card without buttons',
    );
    expect(
      JSON.stringify(
        slack()
          .channel(CHANNEL)
          .messages()
          .find((m) => m.ts === card.ts)?.blocks,
      ),
    ).toContain(`Approved by <@${APPROVER}>`);
    // The run's status is saved just before its job-end audit entry; wait for that entry.
    expect(await until(async () => (await s.jobEnds())[runId], 10_000, 'the job-end audit entry')).toBe(1);
    expect((await s.runs.get(runId))?.status).toBe('succeeded');
  }, 180_000);

  it('Deny runs nothing and says who denied', async () => {
    await command('deprovision gitlab-runner-02 --reason not today');
    const card = await until(
      () =>
        slack()
          .channel(CHANNEL)
          .messages()
          .find(
            (m) =>
              m.text.includes('deprovision gitlab-runner-02') && JSON.stringify(m.blocks).includes(ACTION_IDS.deny),
          ),
      30_000,
      'the approval card',
    );
    const runId = /"value":"([^"]+)"/.exec(JSON.stringify(card.blocks))![1]!;
    await slack().sendBlockAction({
      userId: APPROVER,
      channelId: CHANNEL,
      messageTs: card.ts,
      actionId: ACTION_IDS.deny,
    });
    await until(
      () =>
        JSON.stringify(
          slack()
            .channel(CHANNEL)
            .messages()
            .find((m) => m.ts === card.ts)?.blocks,
        ).includes(`Denied by <@${APPROVER}>`),
      30_000,
      'the denied card',
    );
    expect((await s.runs.get(runId))?.status).toBe('denied');
    expect((await s.jobEnds())[runId]).toBeUndefined();
  }, 60_000);
});

describe('secrets', () => {
  it('never reach Slack', () => {
    const seen = slack().receivedText();
    for (const secret of [
      slack().botToken,
      slack().appToken,
      slack().signingSecret,
      s.sims.proxmox.token.secret,
      s.sims.gitlab.token,
    ])
      expect(seen).not.toContain(secret);
    expect(seen).not.toMatch(/glrt-/);
    expect(seen).not.toMatch(/PRIVATE KEY/);
  });
});
