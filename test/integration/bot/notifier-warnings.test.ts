// A step that succeeded with vendor warnings (a Proxmox task that ended WARNINGS: 1) gets a
// plain-text reply in the run's thread with the warning lines; a step without warnings gets none.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SlackNotifier } from '../../../src/bot/slack-notifier.ts';
import { planFor } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';
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
    progressIntervalMs: 0,
  });
});
afterEach(() => h.close());

const run: RunRecord = {
  id: 'r_warn1',
  kind: 'provision',
  runner: 'gitlab-runner-12',
  plan: planFor('provision'),
  status: 'running',
  checkpoint: 5,
  outputs: { vmid: 5012, node: 'pve2' },
  requester: { userId: ALICE, via: 'slack' },
  channel: OPS,
  createdAt: 0,
  updatedAt: 0,
  spec: {
    name: 'gitlab-runner-12',
    profile: 'default',
    cores: 2,
    memoryMiB: 4096,
    diskGiB: 40,
    tags: [],
    concurrency: 1,
    privileged: false,
    defaultImage: 'alpine',
    allowedImages: [],
    allowedServices: [],
    allowedPullPolicies: [],
    volumes: [],
  },
};
const WARNING =
  "start VM 5012: EFI disk without 'ms-cert=2023k' option, suggesting that not all UEFI 2023\ncertificates from Microsoft are enrolled yet. <!channel>";

it('posts the warning lines in the thread as plain text', async () => {
  h.startDelivery();
  await notifier.notify({ type: 'run-requested', run });
  const root = await waitFor(() => h.sim.channel(OPS).messages()[0], 'the root message');
  await notifier.notify({ type: 'run-started', run });
  await notifier.notify({ type: 'step-finished', run, step: 'clone', applied: true, durationMs: 5 });
  await notifier.notify({
    type: 'step-finished',
    run,
    step: 'start',
    applied: true,
    durationMs: 5,
    warnings: [WARNING],
  });
  await waitFor(
    () => h.sim.thread(OPS, root.ts).length === 3 && outboxDrained(h),
    'the progress message and the warning reply',
  );
  const reply = h.sim.thread(OPS, root.ts).find((m) => m.text.startsWith('⚠️'))!;
  expect(reply.text).toBe('⚠️ gitlab-runner-12: Proxmox warned during step start (the step succeeded)');
  expect(reply.blocks).toEqual([
    expect.objectContaining({ type: 'section', text: { type: 'plain_text', text: reply.text } }),
    expect.objectContaining({ type: 'section', text: { type: 'plain_text', text: WARNING } }),
  ]);
});
