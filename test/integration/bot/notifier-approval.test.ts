import { afterEach, beforeEach, expect, it } from 'vitest';
import { SlackNotifier, runMessageKeys } from '../../../src/bot/slack-notifier.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import { runRecord } from '../../support/run-record.ts';
import { createLogger } from '../../../src/log.ts';
import { ALICE, OPS } from '../../../sim/slack/test-support.ts';
import { outboxDrained, startHarness, waitFor, type Harness } from './outbox-harness.ts';

let h: Harness;
let notifier: SlackNotifier;
beforeEach(async () => {
  h = await startHarness();
  notifier = new SlackNotifier({
    outbox: h.outbox,
    redis: h.redis,
    prefix: h.prefix,
    logger: createLogger({ level: 'warn' }),
  });
});
afterEach(() => h.close());

const run = (patch: Partial<RunRecord>): RunRecord =>
  runRecord({
    id: 'r_appr1',
    kind: 'deprovision',
    runner: 'gitlab-runner-09',
    status: 'awaiting_approval',
    outputs: { vmid: 9009, node: 'pve2', ip: '10.0.0.9', runnerId: 909 },
    requester: { userId: ALICE, via: 'slack' },
    reason: 'retired',
    channel: OPS,
    ...patch,
    spec: { diskGiB: 40, ...patch.spec },
  });

it('posts the approval card as the root message, stores its ts, and rewrites it without buttons when it expires', async () => {
  h.startDelivery();
  await notifier.notify({ type: 'run-requested', run: run({}) });
  const card = await waitFor(() => h.sim.channel(OPS).messages()[0], 'the approval card');
  const buttons = JSON.stringify(card.blocks);
  expect(buttons).toContain('"action_id":"approval_approve","value":"r_appr1"');
  expect(buttons).toContain('"action_id":"approval_deny","value":"r_appr1"');
  expect(buttons).toContain('"confirm"');
  for (const fact of ['9009', 'pve2', '10.0.0.9', '#909', 'retired', `<@${ALICE}>`]) expect(buttons).toContain(fact);
  const root = await waitFor(() => h.outbox.tsOf(runMessageKeys('r_appr1').root), 'the outbox to record the root ts');
  expect(root).toEqual({ channel: OPS, ts: card.ts });

  await notifier.notify({
    type: 'approval-decided',
    run: run({ status: 'expired' }),
    decision: 'expired',
    by: 'runnerbot',
  });
  await waitFor(() => card.history.length === 1 && outboxDrained(h), 'the card to be rewritten');
  expect(card.text.startsWith('⌛')).toBe(true);
  expect(JSON.stringify(card.blocks)).toContain('Expired');
  expect(JSON.stringify(card.blocks)).not.toContain('approval_approve');
  expect(h.sim.thread(OPS, card.ts)).toHaveLength(1);
});

it('says nothing for a run without a channel (the CLI)', async () => {
  h.startDelivery();
  const { channel: _none, ...cliRun } = run({ status: 'queued', requester: { userId: 'cli:root', via: 'cli' } });
  await notifier.notify({ type: 'run-requested', run: cliRun });
  await notifier.notify({ type: 'run-started', run: { ...cliRun, status: 'running' } });
  await notifier.notify({ type: 'run-finished', run: { ...cliRun, status: 'succeeded' } });
  expect(await h.redis.zcard(`${h.prefix}:outbox:lanes`)).toBe(0);
  expect(h.sim.received).toEqual([]);
});
