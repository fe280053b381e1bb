// The last reply in a run's thread: the summary of what now exists, or the failure: the step,
// its error, what was left behind, and Retry / Deprovision buttons.
import type { RunRecord } from '../../core/run.ts';
import { failedRebuildNote } from '../../core/successor.ts';
import { ACTION_IDS } from './actions.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import { compact, factsSection, optional, type Fact } from './facts.ts';
import { formatDuration, runDuration, runTitle } from './status.ts';
import type { SlackBlock, SlackMessage } from './types.ts';
import { rotationSummary } from './rotation-summary.ts';
import { validationSection } from './validation.ts';

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const took = (run: RunRecord) => {
  const ms = runDuration(run);
  return ms === undefined ? undefined : formatDuration(ms);
};

export function summaryMessage(run: RunRecord): SlackMessage {
  if (run.kind === 'rotate-token') return rotationSummary(run);
  const { vmid, node, ip, runnerId } =
    run.kind === 'deprovision' ? { ...run.outputs, ...run.outputs.previous } : run.outputs;
  const removed = run.kind === 'deprovision';
  const facts: Fact[] = [
    ['VMID', vmid],
    ['Node', optional(node)],
    ['IP', optional(ip)],
    ['GitLab runner', runnerId === undefined ? undefined : `#${runnerId}`],
    ['Tags', removed ? undefined : escapeMrkdwn(run.spec.tags.join(', '))],
    ['Removed', removedList(run)],
    ['Duration', took(run)],
  ];
  const headline = removed
    ? `✅ ${runTitle(run)} done: the VM and its GitLab runner are gone.`
    : `✅ ${runTitle(run)} done: \`${run.runner}\` is online.`;
  return { text: headline, blocks: compact([section(headline), factsSection(facts), validationSection(run)]) };
}

/** Every VM and GitLab runner the run removed (a deprovision removes all of that name). */
export function removedList(run: RunRecord): string | undefined {
  const vms = (run.outputs.removedVmids ?? []).map((vmid) => `VM ${vmid}`);
  const runners = (run.outputs.removedRunnerIds ?? []).map((id) => `GitLab runner #${id}`);
  const all = [...vms, ...runners];
  return all.length > 0 ? all.join(', ') : undefined;
}

/** What still exists after the failure, from the run's outputs. */
function leftBehind(run: RunRecord): string {
  const { vmid, node, ip, runnerId } = run.outputs;
  const items = compact([
    vmid !== undefined && escapeMrkdwn(`VM ${vmid}${node ? ` on ${node}` : ''}${ip ? ` (${ip})` : ''}`),
    runnerId !== undefined && `GitLab runner #${runnerId}`,
  ]);
  return items.length ? `*Left behind:* ${items.join(', ')}` : '*Left behind:* nothing';
}

export function failureMessage(run: RunRecord): SlackMessage {
  const error = run.error ?? { code: 'STEP.UNRECOVERABLE', message: 'no error was recorded' };
  const where = error.step ? ` at step ${code(error.step)}` : '';
  const headline = `❌ ${runTitle(run)} failed${where}.`;
  const rebuildNote = failedRebuildNote(run);
  const buttons: SlackBlock = {
    type: 'actions',
    block_id: 'failure',
    elements: compact([
      { type: 'button', action_id: ACTION_IDS.retry, value: run.id, text: { type: 'plain_text', text: 'Retry' } },
      run.kind !== 'rotate-token' && {
        type: 'button',
        action_id: ACTION_IDS.deprovision,
        value: run.runner,
        style: 'danger',
        text: { type: 'plain_text', text: 'Deprovision' },
      },
    ]),
  };
  return {
    text: `${headline} ${escapeMrkdwn(`${error.code}: ${error.message}`)}`,
    blocks: compact([
      section(headline),
      section(`${code(error.code)}\n\`\`\`${escapeMrkdwn(error.message).replace(/```/g, "'''")}\`\`\``),
      section(rebuildNote === null ? leftBehind(run) : escapeMrkdwn(rebuildNote)),
      validationSection(run),
      factsSection([['Duration', took(run)]]),
      buttons,
    ]),
  };
}
