// The root message of a run's thread: its status emoji, what and who. While the run waits for a
// second person it is the approval card (Approve with a confirm dialog, Deny); once decided, the
// card is rewritten without buttons and says who decided.
import { replacesFirst } from '../../core/plan.ts';
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
  reprovision:
    'This runner will be *destroyed and rebuilt*: a successor VM and GitLab runner are built and verified first, then this one is drained and removed, and the successor takes its name.',
  deprovision: 'This runner VM and its GitLab runner will be *destroyed*.',
  'rotate-token':
    'GitLab issues a new runner token (the old one stops working at once) and the VM’s `config.toml` gets it; running jobs go on.',
};

const IN_PLACE =
  'This runner VM and its GitLab runner will be *destroyed and rebuilt* in place: removed first, then built again; jobs for its tags wait meanwhile.';

const whatHappens = (run: RunRecord): string =>
  run.kind === 'reprovision' && !replacesFirst(run.plan) ? IN_PLACE : WHAT_HAPPENS[run.kind];

const WHAT_HAPPENED: Record<RunRecord['kind'], string> = {
  provision: 'A new runner VM was created and registered in GitLab.',
  reprovision:
    'A successor was built and verified; then the old runner VM and its GitLab runner were destroyed, and the successor took the name.',
  deprovision: 'This runner VM and its GitLab runner were destroyed.',
  'rotate-token':
    'GitLab issued a new runner token and the VM’s `config.toml` holds it; the old token no longer works.',
};

const IN_PLACE_DONE =
  'The old runner VM and its GitLab runner were destroyed, and the runner was rebuilt from scratch.';

const whatHappened = (run: RunRecord): string =>
  run.kind === 'reprovision' && !replacesFirst(run.plan) ? IN_PLACE_DONE : WHAT_HAPPENED[run.kind];

/** What the run does, said in the tense of its state: what will happen only while it still may. */
function outcomeText(run: RunRecord): string {
  switch (run.status) {
    case 'awaiting_approval':
    case 'queued':
    case 'running':
      return whatHappens(run);
    case 'succeeded':
      return whatHappened(run);
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
          text: { type: 'mrkdwn', text: whatHappens(run) },
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
