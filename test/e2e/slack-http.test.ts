// The HTTP receiver of a real `runnerbot all`: what Slack did not sign, or signed too long ago or
// in the future, gets 401 and starts nothing; what it already sent is acked and then ignored; 200 commands in 10 s are all acked
// within Slack's deadline and answered, and start no duplicate job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, OPERATOR, startService, until, type Service } from './slack-harness.ts';

let s: Service;
beforeAll(async () => {
  s = await startService({ mode: 'http', vmFarm: false });
}, 120_000);
afterAll(() => s?.close(), 60_000);

const slack = () => s.sims.slack;
const answers = () =>
  slack()
    .ephemerals(OPERATOR)
    .filter((e) => e.via === 'response_url');

describe('request verification', () => {
  it('refuses a forged signature, a stale or future timestamp with 401, acks a replay but answers it nothing, and starts no job', async () => {
    const send = (sign?: Parameters<Service['sims']['slack']['sendSlashCommand']>[1]) =>
      slack().sendSlashCommand({ text: 'provision gitlab-runner-40', userId: OPERATOR, channelId: CHANNEL }, sign);
    const now = Math.floor(Date.now() / 1000);
    expect(await send({ signingSecret: 'a-forged-secret' })).toMatchObject({ acked: false, status: 401 });
    expect(await send({ timestamp: now - 301 - 60 })).toMatchObject({ acked: false, status: 401 });
    expect(await send({ timestamp: now + 301 + 60 })).toMatchObject({ acked: false, status: 401 });
    const dry = await slack().sendSlashCommand({
      text: 'provision gitlab-runner-41 --dry-run',
      userId: OPERATOR,
      channelId: CHANNEL,
    });
    expect(dry).toMatchObject({ acked: true, status: 200 });
    await until(() => answers().length >= 1, 10_000, 'the dry run answer');
    expect(await slack().replay(dry.request!)).toMatchObject({ acked: true, status: 200 });
    await new Promise((r) => setTimeout(r, 300));
    expect(answers()).toHaveLength(1);
    expect(await s.runs.recent(10)).toEqual([]);
  });
});

describe('200 slash commands within 10 seconds', () => {
  it('acks every one within the deadline, answers every one, and starts one job per provision', async () => {
    const before = answers().length;
    const texts = Array.from({ length: 200 }, (_, i) =>
      i % 20 === 0
        ? `provision gitlab-runner-${100 + i / 20}`
        : i % 2 === 0
          ? 'status gitlab-runner-02'
          : `provision gitlab-runner-${200 + i} --dry-run`,
    );
    const results = await Promise.all(
      texts.map(async (text, i) => {
        await new Promise((r) => setTimeout(r, i * 45));
        return slack().sendSlashCommand({ text, userId: OPERATOR, channelId: CHANNEL });
      }),
    );
    expect(results.filter((r) => !r.acked)).toEqual([]);
    await until(() => answers().length - before >= 200, 60_000, 'an answer to every command');
    const fresh = answers()
      .slice(before)
      .map((e) => e.text);
    expect(fresh.filter((t) => t.includes('is queued'))).toHaveLength(10);
    expect(fresh.filter((t) => t.startsWith('*Dry run:*'))).toHaveLength(100);
    const runs = await s.runs.recent(500);
    expect(runs.map((r) => r.runner).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `gitlab-runner-${100 + i}`));
  }, 120_000);
});
