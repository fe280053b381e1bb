// The root message of a run's thread: its status emoji, what and who. While the run waits for a
// second person it is the approval card (Approve with a confirm dialog, Deny); once decided, the
// card is rewritten without buttons and says who decided.
import type { ApprovalDecision } from '../../core/ports.ts';
import type { RunRecord } from '../../core/run.ts';
import { ACTION_IDS } from './actions.ts';
import { compact, factsSection, specFacts, targetFacts } from './facts.ts';
import { STATUS_EMOJI, STATUS_LABEL, mention, runTitle } from './status.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import type { SlackBlock, SlackMessage } from './types.ts';

export interface DecisionNote {
  decision: ApprovalDecision;
  by: string;
}

const WHAT_HAPPENS: Record<RunRecord['kind'], string> = {
  provision: 'A new runner VM will be created and registered in GitLab.',
  reprovision: 'This runner VM and its GitLab runner will be *destroyed and rebuilt* from scratch.',
  deprovision: 'This runner VM and its GitLab runner will be *destroyed*.',
};

const WHAT_HAPPENED: Record<RunRecord['kind'], string> = {
  provision: 'A new runner VM was created and registered in GitLab.',
  reprovision: 'The old runner VM and its GitLab runner were destroyed, and the runner was rebuilt from scratch.',
  deprovision: 'This runner VM and its GitLab runner were destroyed.',
};

/** What the run does, said in the tense of its state: what will happen only while it still may. */
function outcomeText(run: RunRecord): string {
  switch (run.status) {
    case 'awaiting_approval':
    case 'queued':
    case 'running':
      return WHAT_HAPPENS[run.kind];
    case 'succeeded':
      return WHAT_HAPPENED[run.kind];
    case 'failed':
      return `It stopped at ${code(run.error?.step ?? 'start')}; the thread says what is left.`;
    case 'denied':
      return 'Nothing was changed.';
    case 'expired':
      return 'Nobody approved it in time; nothing was changed.';
  }
}

function decisionText({ decision, by }: DecisionNote): string {
  if (decision === 'approved') return `👍 Approved by ${mention(by)}`;
  if (decision === 'denied') return `🛑 Denied by ${mention(by)}`;
  return '⌛ Expired: nobody approved in time';
}

const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function approvalButtons(run: RunRecord): SlackBlock {
  return {
    type: 'actions',
    block_id: 'approval',
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.approve,
        value: run.id,
        style: 'primary',
        text: { type: 'plain_text', text: 'Approve' },
        confirm: {
          title: { type: 'plain_text', text: `${run.kind} ${run.runner}?`.slice(0, 100) },
          text: { type: 'mrkdwn', text: WHAT_HAPPENS[run.kind] },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Cancel' },
          style: 'danger',
        },
      },
      {
        type: 'button',
        action_id: ACTION_IDS.deny,
        value: run.id,
        style: 'danger',
        text: { type: 'plain_text', text: 'Deny' },
      },
    ],
  };
}

/** The root message for the run as it is now; `decision` adds who approved, denied, or that it expired. */
export function rootMessage(run: RunRecord, decision?: DecisionNote): SlackMessage {
  const emoji = STATUS_EMOJI[run.status];
  const headline = `${emoji} ${runTitle(run)}: ${STATUS_LABEL[run.status]}`;
  const asked = `Requested by ${mention(run.requester)} · run ${code(run.id)}`;
  // A card that asked for approval says what the run does, in the tense of its state.
  const gated = run.status === 'awaiting_approval' || decision !== undefined;
  const blocks = compact<SlackBlock>([
    { type: 'section', text: { type: 'mrkdwn', text: headline } },
    gated && { type: 'section', text: { type: 'mrkdwn', text: outcomeText(run) } },
    factsSection(run.kind === 'provision' ? specFacts(run) : targetFacts(run)),
    Boolean(run.reason) && {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Reason*\n${escapeMrkdwn(run.reason ?? '')}` },
    },
    context(asked),
    decision && context(decisionText(decision)),
    run.status === 'awaiting_approval' && !decision && approvalButtons(run),
  ]);
  return {
    text: `${emoji} ${run.kind} ${escapeMrkdwn(run.runner)}: ${STATUS_LABEL[run.status]} (requested by ${mention(run.requester)})`,
    blocks,
  };
}
