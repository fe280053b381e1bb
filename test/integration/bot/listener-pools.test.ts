// `/runner scale` and `/runner pools` through the real Bolt app on the HTTP receiver, against
// real Redis: what the user sees and what is recorded. The reconciler itself runs in the worker
// (test/e2e/pools.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisPoolStore } from '../../../src/jobs/redis-pool-store.ts';
import { ALICE, DAVE, EXISTING, OPS, startBotHarness, until, type BotHarness } from './listener-harness.ts';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness({ transport: 'http' });
});
afterEach(() => h.close());

const send = (text: string, userId = ALICE) => h.sim.sendSlashCommand({ text, userId, channelId: OPS });
const texts = (userId = ALICE) => h.sim.ephemerals(userId).map((e) => e.text);
const answered = (userId = ALICE, count = 2) =>
  until(() => (texts(userId).length >= count ? texts(userId) : undefined));
const desires = () => createRedisPoolStore(h.redis, h.prefix).desires();

describe('/runner scale', () => {
  it('records the size an operator asks for and says what happens next', async () => {
    await send('scale default=2');
    const [, answer] = await answered();
    expect(answer).toBe(
      'Pool *default* now wants 2 runners (it had no size yet).\nThe reconciler adds or rebuilds runners within a minute; `/runner pools` shows how far it got.',
    );
    expect(await desires()).toEqual([{ profile: 'default', desired: 2, setBy: ALICE, setAt: expect.any(Number) }]);
    expect(await h.jobIds()).toEqual([]);
  });

  it('refuses somebody who is not an operator and records nothing', async () => {
    await send('scale default=2', DAVE);
    const [, answer] = await answered(DAVE);
    expect(answer).toMatch(/^:no_entry: only members of .* can ask runnerbot for changes$/);
    expect(await desires()).toEqual([]);
  });

  it('refuses an unknown profile by name, and a malformed size in the ack', async () => {
    await send('scale nosuch=2');
    expect((await answered())[1]).toBe(':warning: there is no profile "nosuch"; the profiles are default');
    await send('scale default=many');
    expect(texts()[2]).toContain('`scale` expects PROFILE=N (like build=3), got `default=many`');
    expect(await desires()).toEqual([]);
  });

  it('shrinking asks a second person to approve each retirement, oldest first, and removes nothing yet', async () => {
    await h.stores.fleet.upsert({ ...EXISTING, name: 'gitlab-runner-default-01', provisionedAt: 10 });
    await h.stores.fleet.upsert({ ...EXISTING, name: 'gitlab-runner-default-02', provisionedAt: 20 });
    await send('scale default=1');
    const [, answer] = await answered();
    expect(answer).toContain(
      "Retiring `gitlab-runner-default-01` waits for a second person's approval in the channel.",
    );
    const [run] = await h.stores.runs.recent(10);
    expect(run).toMatchObject({
      kind: 'deprovision',
      runner: 'gitlab-runner-default-01',
      status: 'awaiting_approval',
      reason: 'scale default=1',
    });
    expect(await h.jobIds()).toEqual([]);
  });
});

describe('/runner pools', () => {
  it('says there are none yet, then shows each pool against what exists', async () => {
    await send('pools');
    expect((await answered())[1]).toBe('No pools yet: `/runner scale PROFILE=N` keeps N runners of a profile.');
    await h.stores.fleet.upsert({ ...EXISTING, name: 'gitlab-runner-default-01' });
    await send('scale default=3');
    await answered(ALICE, 4);
    await send('pools');
    const shown = (await answered(ALICE, 6))[5]!;
    expect(shown).toMatch(
      /^\*default\*: 1 of 3 in place\n {4}not reconciled yet\n {4}sized by <@U0ALICE001> \d+s ago$/,
    );
  });
});
