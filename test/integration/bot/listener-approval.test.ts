// Approve and Deny on a reprovision card, clicked in the Slack simulator: who may decide, one
// decision however many clicks race, expiry, and the card rewritten to show the outcome.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../../src/bot/blocks/index.ts';
import type { SimMessage } from '../../../sim/slack/index.ts';
import { ALICE, BOB, CAROL, DAVE, OPS, startBotHarness, until, type BotHarness } from './listener-harness.ts';

let h: BotHarness;
let card: SimMessage;
let runId: string;

beforeEach(async () => {
  h = await startBotHarness({ transport: 'http' });
  await h.sim.sendSlashCommand({
    text: 'reprovision gitlab-runner-02 --reason disk keeps filling up',
    userId: ALICE,
    channelId: OPS,
  });
  card = await until(() => h.sim.channel(OPS).messages()[0]);
  runId = (await h.stores.runs.recent(1))[0]!.id;
  await until(() => h.sim.ephemerals(ALICE).some((e) => e.text.includes('is waiting for a second person')));
});
afterEach(() => h.close());

const click = (userId: string, actionId: string = ACTION_IDS.approve) =>
  h.sim.sendBlockAction({ userId, channelId: OPS, messageTs: card.ts, actionId });
/** What the clicking user was told (the command's own answer left out). */
const answers = (userId: string, count = 1) =>
  until(() => {
    const told = h.sim
      .ephemerals(userId)
      .filter((e) => e.via === 'response_url' && !e.text.includes('is waiting for a second person'))
      .map((e) => e.text);
    return told.length >= count ? told : undefined;
  });
const current = () =>
  h.sim
    .channel(OPS)
    .messages()
    .find((m) => m.ts === card.ts)!;
const hasButtons = (m: SimMessage) => JSON.stringify(m.blocks).includes(ACTION_IDS.approve);

describe('the approval card', () => {
  it('shows what will be rebuilt, who asked and why, and carries only the run id', () => {
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('*VMID*\\n120');
    expect(shown).toContain('*Node*\\npve1');
    expect(shown).toContain('*IP*\\n10.0.0.12');
    expect(shown).toContain('disk keeps filling up');
    expect(shown).toContain(`<@${ALICE}>`);
    expect(shown).toContain('"confirm":');
    expect(hasButtons(card)).toBe(true);
    expect(JSON.stringify(card.blocks).match(/"value":"([^"]+)"/g)).toEqual([
      `"value":"${runId}"`,
      `"value":"${runId}"`,
    ]);
  });
});

describe('who may approve', () => {
  it("refuses the requester's own Approve with the reason, and runs nothing", async () => {
    expect(await click(ALICE)).toMatchObject({ acked: true });
    expect(await answers(ALICE)).toEqual([':no_entry: you asked for this rebuild, so someone else must approve it']);
    expect(await h.jobIds()).toEqual([]);
    expect(hasButtons(current())).toBe(true);
  });

  it('refuses a user who is not an approver', async () => {
    await click(DAVE);
    expect(await answers(DAVE)).toEqual([
      ':no_entry: only members of <!subteam^S0APPROVE1> or <@U0CAROL001> can approve',
    ]);
    expect(await h.jobIds()).toEqual([]);
  });

  it("runs exactly one job on an approver's click and rewrites the card without buttons", async () => {
    await click(BOB);
    await until(async () => (await h.jobIds()).length === 1);
    expect(await h.jobIds()).toEqual([runId]);
    const rewritten = await until(() => (hasButtons(current()) ? undefined : current()));
    expect(JSON.stringify(rewritten.blocks)).toContain(`Approved by <@${BOB}>`);
    expect((await h.stores.runs.get(runId))?.status).toBe('queued');
  });
});

describe('exactly one decision', () => {
  it('two approvers clicking at once run one job; the other is told it was already approved', async () => {
    await Promise.all([click(BOB), click(CAROL)]);
    await until(() => h.notifier.events.some((e) => e.type === 'approval-decided'));
    const [decided] = h.notifier.events.filter((e) => e.type === 'approval-decided');
    const loser = decided!.type === 'approval-decided' && decided!.by === BOB ? CAROL : BOB;
    expect(await answers(loser)).toEqual([
      expect.stringMatching(/this request was already approved by <@U0(BOB00001|CAROL001)>/),
    ]);
    await until(async () => (await h.jobIds()).length > 0);
    expect(await h.jobIds()).toEqual([runId]);
  });

  it('a double click runs one job', async () => {
    await Promise.all([click(BOB), click(BOB)]);
    await answers(BOB);
    await until(async () => (await h.jobIds()).length > 0);
    expect(await h.jobIds()).toEqual([runId]);
    expect(h.notifier.events.filter((e) => e.type === 'approval-decided')).toHaveLength(1);
  });

  it('Deny runs nothing and the card says who denied', async () => {
    await click(BOB, ACTION_IDS.deny);
    const rewritten = await until(() => (hasButtons(current()) ? undefined : current()));
    expect(JSON.stringify(rewritten.blocks)).toContain(`Denied by <@${BOB}>`);
    expect(JSON.stringify(rewritten.blocks)).toContain('Nothing was changed.');
    expect(JSON.stringify(rewritten.blocks)).not.toContain('will be');
    expect(await h.jobIds()).toEqual([]);
    expect((await h.stores.runs.get(runId))?.status).toBe('denied');
  });

  it('an expired card runs nothing: the click is answered "expired" and the card turns Expired', async () => {
    h.clock.offsetMs = 31 * 60_000;
    await click(BOB);
    expect((await answers(BOB))[0]).toMatch(/^:no_entry: this request expired .* nothing was changed/);
    const rewritten = await until(() => (hasButtons(current()) ? undefined : current()));
    expect(JSON.stringify(rewritten.blocks)).toContain('Expired');
    expect(JSON.stringify(rewritten.blocks)).toContain('Nobody approved it in time; nothing was changed.');
    expect(JSON.stringify(rewritten.blocks)).not.toContain('will be');
    expect(await h.jobIds()).toEqual([]);
    expect((await h.stores.runs.get(runId))?.status).toBe('expired');
  });
});
