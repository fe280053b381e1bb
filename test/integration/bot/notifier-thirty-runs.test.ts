// 30 runs report into one channel at once through the SlackNotifier; two delivery loops (as two
// processes) share the outbox while the simulator enforces 1 post per second per channel.
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { progressMessage, type StepProgress } from '../../../src/bot/blocks/index.ts';
import { SlackNotifier, runMessageKeys } from '../../../src/bot/slack-notifier.ts';
import type { StepName } from '../../../src/core/plan.ts';
import type { ApprovalDecision, ProgressEvent } from '../../../src/core/ports.ts';
import type { RunKind, RunRecord } from '../../../src/core/run.ts';
import { runRecord } from '../../support/run-record.ts';
import { createLogger } from '../../../src/log.ts';
import { ALICE, BOB, OPS } from '../../../sim/slack/test-support.ts';
import { FAKE_SECRET, acceptedPosts, outboxDrained, startHarness, waitFor, type Harness } from './outbox-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ speed: 40, sim: { rateLimits: { update: { perSecond: 1, burst: 1 } } } });
});
afterEach(() => h.close());

type Ending = 'succeeded' | 'failed' | 'denied';
interface Story {
  kind: RunKind;
  approval?: ApprovalDecision;
  ending: Ending;
}
const storyOf = (i: number): Story =>
  i % 10 === 3
    ? { kind: 'reprovision', approval: 'approved', ending: 'succeeded' }
    : i % 10 === 5
      ? { kind: 'deprovision', approval: 'denied', ending: 'denied' }
      : i % 10 === 7
        ? { kind: 'provision', ending: 'failed' }
        : { kind: 'provision', ending: 'succeeded' };

const FAIL_AT = 2; // clone
const stepMs = (step: StepName, i: number) => 100 + step.length * 10 + i;
const jitter = () => delay(Math.floor(Math.random() * 4));

function newRun(i: number, story: Story): RunRecord {
  return runRecord({
    id: `r${String(i).padStart(3, '0')}`,
    kind: story.kind,
    runner: `gitlab-runner-${i}`,
    status: story.approval ? 'awaiting_approval' : 'queued',
    channel: OPS,
    outputs: story.kind === 'provision' ? {} : { vmid: 9000 + i, node: 'pve1', ip: `10.0.0.${i}`, runnerId: 500 + i },
    requester: { userId: ALICE, via: 'slack' },
    spec: { diskGiB: 40, tags: ['docker'] },
  });
}

/** Reports one run's life the way request-job, decide-approval and run-job do; returns its final record. */
async function tell(notifier: SlackNotifier, i: number): Promise<RunRecord> {
  const story = storyOf(i);
  let run = newRun(i, story);
  const say = async (event: ProgressEvent) => {
    await notifier.notify(event);
    await jitter();
  };
  await say({ type: 'run-requested', run });
  if (story.approval) {
    run = { ...run, status: story.approval === 'denied' ? 'denied' : 'queued' };
    await say({ type: 'approval-decided', run, decision: story.approval, by: BOB });
    if (story.ending === 'denied') return run;
  }
  run = { ...run, status: 'running', startedAt: 1_000 };
  await say({ type: 'run-started', run });
  for (const step of run.plan) {
    await say({ type: 'step-started', run, step });
    if (story.ending === 'failed' && run.checkpoint === FAIL_AT) {
      const error = { code: 'PROXMOX.TASK_FAILED', message: `clone task failed (ticket ${FAKE_SECRET})` };
      await say({ type: 'step-failed', run, step, error, willRetry: false });
      run = {
        ...run,
        status: 'failed',
        finishedAt: 9_000,
        error: { ...error, step },
        outputs: { vmid: 9000 + i, node: 'pve1' },
      };
      await say({ type: 'run-finished', run });
      return run;
    }
    run = {
      ...run,
      checkpoint: run.checkpoint + 1,
      outputs: { ...run.outputs, vmid: 9000 + i, node: 'pve1', ip: `10.0.0.${i}`, runnerId: 500 + i },
    };
    await say({ type: 'step-finished', run, step, applied: true, durationMs: stepMs(step, i) });
  }
  run = { ...run, status: 'succeeded', finishedAt: 61_000 };
  await say({ type: 'run-finished', run });
  return run;
}

function expectedProgress(run: RunRecord, i: number): ReturnType<typeof progressMessage> {
  const finished: StepProgress['finished'] = {};
  for (const step of run.plan.slice(0, run.checkpoint)) finished[step] = { durationMs: stepMs(step, i), applied: true };
  const failed = run.error?.step
    ? {
        failed: {
          step: run.error.step,
          code: run.error.code,
          message: run.error.message.replace(FAKE_SECRET, '***'),
          willRetry: false,
        },
      }
    : {};
  return progressMessage(run, { finished, ...failed });
}

it('delivers every root, progress and outcome message of 30 concurrent runs, paced, complete and in order', async () => {
  const logger = createLogger({ level: 'warn' });
  const notifier = new SlackNotifier({ outbox: h.outbox, redis: h.redis, prefix: h.prefix, logger });
  h.startDelivery();
  h.startDelivery();

  const runs = await Promise.all(Array.from({ length: 30 }, (_, i) => tell(notifier, i)));
  await waitFor(() => outboxDrained(h), 'every message to be delivered');

  const roots = h.sim.channel(OPS).messages();
  expect(roots).toHaveLength(30);
  for (const [i, run] of runs.entries()) {
    const story = storyOf(i);
    const posted = await h.outbox.tsOf(runMessageKeys(run.id).root);
    expect(posted?.channel).toBe(OPS);
    const ts = posted?.ts;
    const root = roots.find((m) => m.ts === ts);
    expect(root, `root of ${run.id}`).toBeDefined();
    const emoji = { succeeded: '✅', failed: '❌', denied: '🛑' }[story.ending];
    expect(root!.text.startsWith(emoji)).toBe(true);
    expect(JSON.stringify(root!.blocks)).not.toContain('approval_approve');
    // A finished card says what happened, never what will.
    expect(JSON.stringify(root!.blocks)).not.toContain('will be');
    if (story.approval && story.ending === 'failed') expect(JSON.stringify(root!.blocks)).toContain('It stopped at');
    if (story.approval && story.ending === 'succeeded')
      expect(JSON.stringify(root!.blocks)).toMatch(/were destroyed|was created/);
    if (story.approval)
      expect(JSON.stringify(root!.blocks)).toContain(
        story.approval === 'denied' ? `Denied by <@${BOB}>` : `Approved by <@${BOB}>`,
      );

    const replies = h.sim.thread(OPS, ts!).slice(1);
    if (story.ending === 'denied') {
      expect(replies).toEqual([]);
      continue;
    }
    expect(replies).toHaveLength(2);
    const [progress, outcome] = replies;
    const expected = expectedProgress(run, i);
    expect(progress!.text).toBe(expected.text);
    expect(progress!.blocks?.slice(1)).toEqual(expected.blocks?.slice(1));
    if (story.ending === 'succeeded') expect(outcome!.text).toContain('done');
    else {
      expect(outcome!.text).toContain('failed at step `clone`');
      expect(JSON.stringify(outcome!.blocks)).toContain('run_retry');
    }
  }

  // Never more than one post per second in the channel, counting refused attempts too.
  const posts = h.sim.received.filter((e) => e.name === 'chat.postMessage' && e.args.channel === OPS);
  expect(acceptedPosts(h.sim, OPS)).toHaveLength(30 + 2 * 27);
  for (let k = 1; k < posts.length; k++) expect(posts[k]!.at - posts[k - 1]!.at).toBeGreaterThanOrEqual(1000);

  // Every 429 (the simulator's chat.update tier is stricter than ours) was waited out and retried.
  const refused = h.sim.received.filter((e) => e.error === 'ratelimited');
  expect(refused.length).toBeGreaterThan(0);
  for (const entry of refused) {
    const retried = h.sim.received.some(
      (e) => e.at > entry.at && e.name === entry.name && e.args.ts === entry.args.ts && !e.error,
    );
    expect(retried).toBe(true);
  }
  const counted = (await h.metrics.slackCalls.get()).values
    .filter((v) => v.labels.outcome === 'rate_limited')
    .reduce((n, v) => n + v.value, 0);
  expect(counted).toBe(refused.length);
  expect(h.sim.received.filter((e) => e.error && e.error !== 'ratelimited')).toEqual([]);
  expect(h.sim.receivedText()).not.toContain(FAKE_SECRET);
});
