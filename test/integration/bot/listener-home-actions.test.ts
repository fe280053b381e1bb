// App Home's fleet overview, and the Retry and Deprovision buttons of a failure message.
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, failureMessage } from '../../../src/bot/blocks/index.ts';
import { planFor } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import { ALICE, DAVE, OPS, policy, startBotHarness, until, type BotHarness } from './listener-harness.ts';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness({ transport: 'http' });
});
afterEach(() => h.close());

describe('App Home', () => {
  it('publishes the fleet: each runner, its state and its last run', async () => {
    expect(await h.sim.openAppHome(DAVE)).toMatchObject({ acked: true });
    const home = await until(() => h.sim.homeView(DAVE));
    const shown = JSON.stringify(home.view.blocks);
    expect(shown).toContain('*Runner fleet* (1)');
    expect(shown).toMatch(/\*gitlab-runner-02\* · VM 120 on pve1, running, 10\.0\.0\.12 · GitLab runner #\d+/);
    expect(shown).toContain('no runs');
  });
});

describe('a failed run', () => {
  let failed: RunRecord;
  let message: string;

  beforeEach(async () => {
    const now = Date.now();
    failed = {
      id: `r_${h.prefix}_failed`,
      kind: 'provision',
      runner: 'gitlab-runner-09',
      spec: { ...policy.profiles.default!, name: 'gitlab-runner-09', profile: 'default', cores: 3 },
      plan: planFor('provision'),
      requester: { userId: ALICE, via: 'slack' },
      channel: OPS,
      status: 'queued',
      checkpoint: 2,
      outputs: { vmid: 131, node: 'pve1' },
      createdAt: now,
      updatedAt: now,
    };
    await h.stores.runs.create(failed);
    failed = await h.stores.runs.finish(failed.id, 'failed', {
      error: { code: 'PROXMOX.TASK_FAILED', message: 'clone failed', step: 'clone' },
      finishedAt: now,
    });
    const web = new WebClient(h.sim.botToken, { slackApiUrl: h.sim.apiUrl });
    message = (await web.chat.postMessage({ channel: OPS, ...failureMessage(failed) })).ts!;
  });

  const click = (actionId: string) =>
    h.sim.sendBlockAction({ userId: ALICE, channelId: OPS, messageTs: message, actionId });

  it('Retry asks for the same provision again and queues it', async () => {
    await click(ACTION_IDS.retry);
    const told = await until(() => h.sim.ephemerals(ALICE).find((e) => e.text.includes('is queued')));
    const runId = /run `([^`]+)`/.exec(told.text)![1]!;
    expect(runId).not.toBe(failed.id);
    expect(await h.jobIds()).toEqual([runId]);
    expect(await h.stores.runs.get(runId)).toMatchObject({
      kind: 'provision',
      runner: 'gitlab-runner-09',
      spec: { cores: 3 },
      requester: { userId: ALICE },
    });
  });

  it('Deprovision goes through approval: a card, no job', async () => {
    await click(ACTION_IDS.deprovision);
    await until(() => h.sim.ephemerals(ALICE).find((e) => e.text.includes('is waiting for a second person')));
    const card = await until(() =>
      h.sim
        .channel(OPS)
        .messages()
        .find((m) => JSON.stringify(m.blocks).includes(ACTION_IDS.approve)),
    );
    expect(card.text).toContain('deprovision gitlab-runner-09');
    expect(JSON.stringify(card.blocks)).toContain('clean up after a failed run');
    expect(await h.jobIds()).toEqual([]);
  });
});
