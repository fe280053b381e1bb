// The one progress message in a run's thread: every step of the plan with ✓ (done, with its
// duration, and whether it was already done or only checked), … (running), ✗ (failed) or ◦ (not yet).
import type { StepName } from '../../core/plan.ts';
import type { RunRecord } from '../../core/run.ts';
import { stepOutcome } from '../../core/step-outcome.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';
import { formatDuration } from './status.ts';
import type { SlackMessage } from './types.ts';

/** What the notifier has seen of a run's steps (the run record holds only the checkpoint). */
export interface StepProgress {
  /** Finished steps: wall time, and whether the step had to do anything. */
  finished: Partial<Record<StepName, { durationMs: number; applied: boolean }>>;
  /** The last failure reported, while it is the current step's. */
  failed?: { step: StepName; code: string; message: string; willRetry: boolean };
  /** What the running step last said it waits for (e.g. the jobs a draining runner still runs). */
  note?: { step: StepName; text: string };
}

function stepLine(run: RunRecord, progress: StepProgress, step: StepName, index: number): string {
  const finished = progress.finished[step];
  if (index < run.checkpoint) {
    const outcome = finished && stepOutcome(step, finished.applied);
    const took = finished
      ? ` — ${formatDuration(finished.durationMs)}${outcome === 'applied' ? '' : ` (${outcome})`}`
      : '';
    return `✓ ${step}${took}`;
  }
  if (index === run.checkpoint && progress.failed?.step === step) {
    const { code, message, willRetry } = progress.failed;
    return `✗ ${step} — ${escapeMrkdwn(`${code}: ${message}`)}${willRetry ? ' (retrying)' : ''}`;
  }
  if (index === run.checkpoint && run.status === 'running') {
    const note = progress.note?.step === step ? ` — ${escapeMrkdwn(progress.note.text)}` : '';
    return `… ${step}${note}`;
  }
  return `◦ ${step}`;
}

export function progressMessage(run: RunRecord, progress: StepProgress): SlackMessage {
  const total = run.plan.length;
  const done = Math.min(run.checkpoint, total);
  const current = run.plan[run.checkpoint];
  const lines = run.plan.map((step, i) => stepLine(run, progress, step, i));
  const where = done === total ? 'all steps done' : `step ${done + 1}/${total}${current ? ` (${current})` : ''}`;
  return {
    text: `${escapeMrkdwn(run.runner)}: ${done}/${total} steps done`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*Progress* — ${done}/${total} steps, ${where}` } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
    ],
  };
}
