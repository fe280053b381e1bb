// `/runner scale` and `/runner pools`: what was recorded, what will happen, and each pool's state.
import type { PoolView } from '../../app/describe-pools.ts';
import type { ScaleOutcome } from '../../app/scale-pool.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import type { Reply } from './replies.ts';

const since = (at: number, now: number): string => {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  return seconds < 90 ? `${seconds}s ago` : `${Math.round(seconds / 60)} min ago`;
};

export function scaleReply(outcome: ScaleOutcome, awaitingApproval: boolean): Reply {
  const was = outcome.previous === null ? 'it had no size yet' : `it was ${outcome.previous}`;
  const lines = [
    `Pool *${outcome.profile}* now wants ${outcome.desired} runner${outcome.desired === 1 ? '' : 's'} (${was}).`,
  ];
  if (outcome.retiring.length > 0) {
    const names = outcome.retiring.map((run) => code(run.runner)).join(', ');
    lines.push(
      awaitingApproval
        ? `Retiring ${names} waits for a second person's approval in the channel.`
        : `Retiring ${names}: each drains its jobs first.`,
    );
  }
  for (const refusal of outcome.refused) lines.push(`:warning: could not retire ${escapeMrkdwn(refusal)}`);
  if (outcome.retiring.length === 0 && outcome.refused.length === 0)
    lines.push('The reconciler adds or rebuilds runners within a minute; `/runner pools` shows how far it got.');
  return { text: lines.join('\n') };
}

function poolLine(view: PoolView, now: number): string {
  const { desire, progress } = view;
  const parts = [`*${desire.profile}*: ${view.inPlace.length} of ${desire.desired} in place`];
  if (view.coming.length > 0) parts.push(`coming: ${view.coming.join(', ')}`);
  if (view.leaving.length > 0) parts.push(`leaving: ${view.leaving.join(', ')}`);
  const doing = progress
    ? `${escapeMrkdwn(progress.note)} (checked ${since(progress.reconciledAt, now)})`
    : 'not reconciled yet';
  return `${parts.join(' · ')}\n    ${doing}\n    sized by ${/^[UW][A-Z0-9]+$/.test(desire.setBy) ? `<@${desire.setBy}>` : code(desire.setBy)} ${since(desire.setAt, now)}`;
}

export function poolsReply(views: PoolView[], now: number): Reply {
  if (views.length === 0) return { text: 'No pools yet: `/runner scale PROFILE=N` keeps N runners of a profile.' };
  return { text: views.map((view) => poolLine(view, now)).join('\n') };
}
