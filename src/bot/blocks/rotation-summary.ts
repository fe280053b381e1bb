// The summary of a finished token rotation: the new token's times for one runner (never the
// token), or for `--all` which runners got a new token and which failed, and why.
import { ALL_RUNNERS } from '../../core/plan.ts';
import type { RunRecord } from '../../core/run.ts';
import { rotationResults } from '../../core/token-rotation.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import { compact, factsSection, type Fact } from './facts.ts';
import { formatDuration, runDuration, runTitle } from './status.ts';
import type { SlackBlock, SlackMessage } from './types.ts';

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const MAX_LISTED = 40;

function listed(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).map(code).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

export function rotationSummary(run: RunRecord): SlackMessage {
  const ms = runDuration(run);
  const took: Fact = ['Duration', ms === undefined ? undefined : formatDuration(ms)];
  if (run.runner !== ALL_RUNNERS) {
    const { runnerId, tokenExpiresAt } = run.outputs;
    const headline = `✅ ${runTitle(run)} done: GitLab refuses the old token; the VM's runner verified with the new one.`;
    const facts: Fact[] = [
      ['GitLab runner', runnerId === undefined ? undefined : `#${runnerId}`],
      ['Token expires', tokenExpiresAt === undefined ? undefined : escapeMrkdwn(tokenExpiresAt ?? 'never')],
      took,
    ];
    return { text: headline, blocks: compact([section(headline), factsSection(facts)]) };
  }
  const { rotated, failed } = rotationResults(run.outputs.rotations);
  const headline = `${failed.length ? '⚠️' : '✅'} ${runTitle(run)} done: ${rotated.length} rotated, ${failed.length} not.`;
  const failures = failed
    .slice(0, MAX_LISTED)
    .map(([name, why]) => `• ${code(name)}: ${escapeMrkdwn(why)}`)
    .join('\n');
  return {
    text: headline,
    blocks: compact([
      section(headline),
      rotated.length > 0 && section(`*Rotated:* ${listed(rotated)}`),
      failed.length > 0 &&
        section(
          `*Not rotated* (one that failed past its reset is refused by GitLab until rotated again)\n${failures}`.slice(
            0,
            2900,
          ),
        ),
      factsSection([took]),
    ]),
  };
}
