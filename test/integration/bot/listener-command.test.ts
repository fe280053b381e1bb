// `/runner` through the real Bolt app on the HTTP receiver: what the user sees, what is stored
// and queued, against real Redis and the Proxmox and GitLab simulators.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackSignature } from '../../../sim/slack/signing.ts';
import { ALICE, DAVE, OPS, startBotHarness, until, type BotHarness } from './listener-harness.ts';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness({ transport: 'http' });
});
afterEach(() => h.close());

const send = (text: string, userId = ALICE) => h.sim.sendSlashCommand({ text, userId, channelId: OPS });
const texts = (userId = ALICE) => h.sim.ephemerals(userId).map((e) => e.text);
const answered = (userId = ALICE, count = 2) =>
  until(() => (texts(userId).length >= count ? texts(userId) : undefined));

describe('/runner usage', () => {
  it('answers a typo in the ack itself with "did you mean" and the usage, and starts nothing', async () => {
    const result = await send('provison gitlab-runner-05');
    expect(result).toMatchObject({ acked: true, status: 200 });
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toContain('did you mean `provision`?');
    expect(texts()[0]).toContain('/runner provision NAME');
    expect(await h.jobIds()).toEqual([]);
  });

  it('names the wrong option and shows the subcommand usage', async () => {
    await send('provision gitlab-runner-05 --cpus 4');
    expect(texts()[0]).toMatch(/unknown option .*--cpus/);
    expect(texts()[0]).toContain('Usage: /runner provision');
  });

  it('shows help in the ack', async () => {
    await send('help');
    expect(texts()[0]).toContain('/runner reprovision NAME');
  });
});

describe('/runner provision', () => {
  it('acks "On it…", records and queues one run, posts its root message and tells the user where to follow it', async () => {
    const result = await send('provision gitlab-runner-05 --cores 4');
    expect(result.body).toMatchObject({ text: 'On it…' });
    const [, answer] = await answered();
    expect(answer).toMatch(/Provision `gitlab-runner-05` is queued \(run `r_.*`\)\. Follow it in <#C0OPS00001>/);
    const runId = /run `([^`]+)`/.exec(answer!)![1]!;
    expect(await h.jobIds()).toEqual([runId]);
    const run = await h.stores.runs.get(runId);
    expect(run).toMatchObject({
      kind: 'provision',
      runner: 'gitlab-runner-05',
      status: 'queued',
      requester: { userId: ALICE, via: 'slack' },
      channel: OPS,
      spec: { cores: 4 },
    });
    expect(
      h.sim
        .channel(OPS)
        .messages()
        .map((m) => m.text),
    ).toEqual([expect.stringContaining('provision gitlab-runner-05')]);
  });

  it('refuses a user who is not an operator, by id, and records nothing', async () => {
    await send('provision gitlab-runner-05', DAVE);
    const [, answer] = await answered(DAVE);
    expect(answer).toBe(
      ':no_entry: only members of <!subteam^S0OPERATE1> or <@U0CAROL001> can ask runnerbot for changes',
    );
    expect(await h.jobIds()).toEqual([]);
    expect(await h.stores.runs.recent(10)).toEqual([]);
  });

  it('refuses a second run for the same runner with a pointer to the active one', async () => {
    await send('provision gitlab-runner-05');
    const [, first] = await answered(ALICE, 2);
    await send('provision gitlab-runner-05');
    const all = await answered(ALICE, 4);
    const runId = /run `([^`]+)`/.exec(first!)![1]!;
    expect(all[3]).toBe(`:warning: gitlab-runner-05 already has a provision (queued) in progress: run ${runId}`);
    expect(await h.jobIds()).toEqual([runId]);
  });

  it('--dry-run says in sentences what it would create and each step, and changes nothing', async () => {
    await send('provision gitlab-runner-05 --memory 8G --tags gpu --dry-run');
    const [, answer] = await answered();
    expect(answer).toContain('*Dry run:* `provision gitlab-runner-05`');
    expect(answer).toMatch(
      /It would create a VM named gitlab-runner-05 on .*: \d+ cores, 8 GiB of memory and a \d+ GiB disk \(profile default\)\./,
    );
    expect(answer).toContain('tagged docker and gpu in GitLab');
    expect(answer).toContain("1. find-vm: look for a VM of that name; reuse it if it is runnerbot's, refuse if not.");
    expect(answer).toContain('7. wait-ip: wait for the guest agent to report its IPv4 address.');
    expect(answer).not.toMatch(/[{}]/);
    expect(answer).toContain('Nothing was changed.');
    expect(await h.jobIds()).toEqual([]);
    expect(await h.stores.runs.recent(10)).toEqual([]);
    expect(h.sim.channel(OPS).messages()).toEqual([]);
  });

  it('does not start a second job when Slack retries the command with a fresh signature', async () => {
    const first = await send('provision gitlab-runner-06');
    await answered();
    const request = first.request!;
    const timestamp = Number(request.headers['x-slack-request-timestamp']) + 1;
    const retry = await fetch(request.url, {
      method: 'POST',
      body: request.body,
      headers: {
        ...request.headers,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-retry-num': '1',
        'x-slack-retry-reason': 'http_timeout',
        'x-slack-signature': slackSignature(h.sim.signingSecret, timestamp, request.body),
      },
    });
    expect(retry.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(await h.jobIds()).toHaveLength(1);
    // Without the dedupe the retry would have been answered "already has a provision in progress".
    expect(texts()).toEqual(['On it…', expect.stringContaining('is queued')]);
  });
});

describe('/runner list, status and audit', () => {
  it('list joins the fleet record, the Proxmox VM and the GitLab runner', async () => {
    await send('list');
    const [, answer] = await answered();
    expect(answer).toContain('runnerbot manages 1 runner:');
    expect(answer).toMatch(
      /\*gitlab-runner-02\* · VM 120 on pve1, running, 10\.0\.0\.12 · GitLab runner #\d+ \w+, last contact \w+/,
    );
    expect(answer).toContain('no runs');
  });

  it('status shows one runner, and says so when runnerbot does not know it', async () => {
    await send('status gitlab-runner-02');
    await send('status gitlab-runner-77');
    const all = await answered(ALICE, 4);
    const status = all.find((t) => t.startsWith('*gitlab-runner-02*'));
    expect(status).toContain('VM 120 on pve1, running');
    expect(status).toContain('profile default, tags docker');
    expect(all).toContain('runnerbot knows no runner called `gitlab-runner-77`.');
  });

  it('audit shows the request that was made as one line with a relative time and where it stands', async () => {
    await send('provision gitlab-runner-05');
    await answered(ALICE, 2);
    await send('audit gitlab-runner-05');
    const all = await answered(ALICE, 4);
    expect(all[3]).toContain('Latest 1 events for `gitlab-runner-05`, newest first:');
    expect(all[3]).toMatch(
      /\n`(just now|\d+ s ago)` <@U0ALICE001> provision gitlab-runner-05: queued · run `r_[^`]+`$/,
    );
  });
});
