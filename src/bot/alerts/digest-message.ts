// A storm digest: one message listing many alert groups of one channel, one line each, instead of
// one message per group; updated as groups change and resolve.
import type { DigestLine } from '../../core/alerts/ports.ts';
import type { SlackBlock, SlackMessage } from '../blocks/types.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';

/** Lines per section and sections per message: well inside 3,000 chars and 12k of blocks. */
const LINES_PER_SECTION = 10;
export const MAX_DIGEST_LINES = 40;
const MAX_LINE = 200;

const SEVERITY_EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  error: ':large_orange_circle:',
  warning: ':warning:',
};

function lineText(line: DigestLine): string {
  const emoji =
    line.status === 'resolved'
      ? ':large_green_circle:'
      : (SEVERITY_EMOJI[line.severity?.toLowerCase() ?? ''] ?? ':bell:');
  const title = line.title.length > MAX_LINE ? `${line.title.slice(0, MAX_LINE - 1)}…` : line.title;
  const counts = line.status === 'resolved' ? 'resolved' : `${line.firing} firing`;
  return `${emoji} ${escapeMrkdwn(title)} (${counts})`;
}

export function digestMessage(lines: readonly DigestLine[]): SlackMessage {
  const firing = lines.filter((l) => l.status === 'firing').length;
  const title =
    firing > 0
      ? `:rotating_light: Alert storm: ${lines.length} alert groups (${firing} firing)`
      : `:large_green_circle: Alert storm over: ${lines.length} alert groups, all resolved`;
  const shown = [...lines]
    .sort((a, b) => (a.status === b.status ? 0 : a.status === 'firing' ? -1 : 1))
    .slice(0, MAX_DIGEST_LINES);
  const sections: SlackBlock[] = [];
  for (let i = 0; i < shown.length; i += LINES_PER_SECTION) {
    sections.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: shown
          .slice(i, i + LINES_PER_SECTION)
          .map(lineText)
          .join('\n'),
      },
    });
  }
  const more = lines.length - shown.length;
  return {
    text: title,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } },
      ...sections,
      ...(more > 0
        ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: `and ${more} more` }] }]
        : []),
    ],
  };
}

export function digestResolvedReply(lines: readonly DigestLine[]): SlackMessage {
  return { text: `:large_green_circle: All ${lines.length} alert groups of this storm are resolved.` };
}
