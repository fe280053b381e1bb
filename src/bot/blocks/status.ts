// The small pieces every run message shares: status emoji and words, who asked, how long it took.
import type { Requester, RunRecord, RunStatus } from '../../core/run.ts';
import { code } from '../mrkdwn.ts';

export const STATUS_EMOJI: Record<RunStatus, string> = {
  awaiting_approval: '✋',
  queued: '⏳',
  running: '🔄',
  succeeded: '✅',
  failed: '❌',
  denied: '🛑',
  expired: '⌛',
};

export const STATUS_LABEL: Record<RunStatus, string> = {
  awaiting_approval: 'waiting for approval',
  queued: 'queued',
  running: 'running',
  succeeded: 'done',
  failed: 'failed',
  denied: 'denied',
  expired: 'expired',
};

/** A Slack user as a mention; a terminal or alert requester as code. */
export const mention = (requester: Requester | string): string => {
  const userId = typeof requester === 'string' ? requester : requester.userId;
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : code(userId);
};

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

/** From start (or request, if it never started) to finish. */
export const runDuration = (run: RunRecord): number | undefined =>
  run.finishedAt === undefined ? undefined : run.finishedAt - (run.startedAt ?? run.createdAt);

const KIND_LABEL: Record<RunRecord['kind'], string> = {
  provision: 'Provision',
  deprovision: 'Deprovision',
  reprovision: 'Reprovision',
  'rotate-token': 'Token rotation of',
};

/** "Provision `gitlab-runner-02`" */
export const runTitle = (run: RunRecord): string => `${KIND_LABEL[run.kind]} ${code(run.runner)}`;
