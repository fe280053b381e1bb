// Issue 18 part 2 from Slack, over signed HTTP requests to a real `runnerbot all`, real Redis and
// the simulators: `/runner rotate-token NAME` waits for a second person; once approved GitLab
// refuses the old token, the VM's config.toml holds the new one, `gitlab-runner verify` passed
// there, the running job went on (nothing restarted), and no token reached Slack, logs or Redis.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/bot/blocks/index.ts';
import { createRedisFleet } from '../../src/jobs/redis-fleet.ts';
import { APPROVER, CHANNEL, OPERATOR, startService, until, type Service } from './slack-harness.ts';
import { gitlabTakes, vmToken } from '../support/runner-token.ts';

const NAME = 'gitlab-runner-21';
let s: Service;
beforeAll(async () => {
  s = await startService({ mode: 'http', vmFarm: true });
}, 120_000);
afterAll(() => s?.close(), 60_000);

const slack = () => s.sims.slack;
const command = (text: string) => slack().sendSlashCommand({ text, userId: OPERATOR, channelId: CHANNEL });
const finished = (runId: string) =>
  until(
    async () => ['succeeded', 'failed'].includes((await s.runs.get(runId))?.status ?? ''),
    180_000,
    `run ${runId} to finish`,
  );
const rootOf = (text: string) =>
  until(
    () =>
      slack()
        .channel(CHANNEL)
        .messages()
        .find((m) => m.text.includes(text)),
    60_000,
    `a message with ${text}`,
  );
const vmid = () => [...s.sims.proxmox.state.vms.values()].find((vm) => vm.config.name === NAME)!.vmid;

describe('/runner rotate-token', () => {
  it('after a second person approves, GitLab refuses the old token and the VM runs on the new one', async () => {
    await command(`provision ${NAME}`);
    const provisioned = await until(
      async () => (await s.runs.recent(5, NAME)).find((r) => r.kind === 'provision'),
      30_000,
      'the provision run',
    );
    await finished(provisioned.id);
    expect((await s.runs.get(provisioned.id))?.status).toBe('succeeded');

    const runner = s.sims.gitlab.runners().find((r) => r.description === NAME)!;
    const job = s.sims.gitlab.addJob(runner.id, { name: 'long-build', status: 'running' });
    const oldToken = await vmToken(s.sims.farm!, vmid());
    const callsBefore = (await s.sims.farm!.calls(vmid())).length;

    const ack = await command(`rotate-token ${NAME} --reason quarterly`);
    expect(ack).toMatchObject({ acked: true });
    const card = await until(
      () =>
        slack()
          .channel(CHANNEL)
          .messages()
          .find(
            (m) => m.text.includes(`rotate-token ${NAME}`) && JSON.stringify(m.blocks).includes(ACTION_IDS.approve),
          ),
      30_000,
      'the approval card',
    );
    expect(JSON.stringify(card.blocks)).toContain('the old one stops working at once');
    const runId = /"value":"([^"]+)"/.exec(JSON.stringify(card.blocks))![1]!;
    // Nothing happens before the approval: GitLab still takes the old token.
    expect(await gitlabTakes(s.sims.gitlab, oldToken)).toBe(true);
    await slack().sendBlockAction({
      userId: APPROVER,
      channelId: CHANNEL,
      messageTs: card.ts,
      actionId: ACTION_IDS.approve,
    });
    await finished(runId);
    expect((await s.runs.get(runId))?.status).toBe('succeeded');

    const newToken = await vmToken(s.sims.farm!, vmid());
    expect(newToken).not.toBe(oldToken);
    expect(await gitlabTakes(s.sims.gitlab, oldToken)).toBe(false);
    expect(await gitlabTakes(s.sims.gitlab, newToken)).toBe(true);
    const calls = (await s.sims.farm!.calls(vmid())).slice(callsBefore);
    expect(calls.some((c) => c.cmd === 'gitlab-runner' && c.args[0] === 'verify')).toBe(true);
    expect(calls.some((c) => c.cmd === 'systemctl' && ['restart', 'stop'].includes(c.args[0] ?? ''))).toBe(false);
    const stillRunning = s.sims.gitlab.runners().find((r) => r.id === runner.id)!;
    expect(stillRunning.paused).toBe(false);
    expect(stillRunning.jobs.find((j) => j.id === job.id)?.status).toBe('running');

    // The thread ends with the summary; the fleet record has the new token's times.
    const root = await rootOf(`rotate-token ${NAME}`);
    const summary = await until(
      () =>
        slack()
          .thread(CHANNEL, root.ts)
          .find((m) => m.text.includes('GitLab refuses the old token')),
      30_000,
      'the summary in the thread',
    );
    expect(summary.text).toMatch(/Token rotation of `gitlab-runner-21` done/);
    const record = await createRedisFleet(s.redis, s.prefix).get(NAME);
    expect(record?.tokenObtainedAt).toBeGreaterThan(provisioned.createdAt);

    await command(`status ${NAME}`);
    await until(
      () =>
        slack()
          .ephemerals(OPERATOR)
          .find((e) => /token obtained (just now|\d+ s ago), never expires/.test(e.text)),
      30_000,
      'the status answer with the token age',
    );
  }, 400_000);

  it('no token reaches Slack, the logs or Redis', async () => {
    const redisText: string[] = [];
    for (const key of await s.redis.keys(`${s.prefix}*`)) {
      const type = await s.redis.type(key);
      if (type === 'string') redisText.push(String(await s.redis.get(key)));
      if (type === 'hash') redisText.push(JSON.stringify(await s.redis.hgetall(key)));
      if (type === 'list') redisText.push(JSON.stringify(await s.redis.lrange(key, 0, -1)));
      if (type === 'zset') redisText.push(JSON.stringify(await s.redis.zrange(key, 0, -1)));
      if (type === 'stream') redisText.push(JSON.stringify(await s.redis.xrange(key, '-', '+')));
    }
    const seen = [
      slack().receivedText(),
      await readFile(s.runnerbot.logFile, 'utf8'),
      ...redisText,
      JSON.stringify(s.sims.gitlab.requests()),
    ].join('\n');
    expect(seen).toContain('rotate-token');
    expect(seen).not.toMatch(/glrt-/);
    for (const secret of [slack().botToken, slack().signingSecret, s.sims.proxmox.token.secret, s.sims.gitlab.token])
      expect(seen).not.toContain(secret);
  });
});
