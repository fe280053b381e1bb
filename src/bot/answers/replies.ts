// What `/runner` says back to the one user who typed it (ack text or response_url): usage,
// help, refusals, "queued", "waiting for approval". The one place errors become Slack text.
import { USAGE, usageOf, type CommandError, type Subcommand } from '../../core/command.ts';
import type { RunnerbotErrorShape } from '../../core/errors.ts';
import type { RunRecord } from '../../core/run.ts';
import { fitMessage, runTitle, type SlackMessage } from '../blocks/index.ts';
import { code as inline, escapeKeepingMentions, escapeMrkdwn } from '../mrkdwn.ts';

export type Reply = SlackMessage;

const code = (text: string) => `\`\`\`${escapeMrkdwn(text)}\`\`\``;

export const ON_IT: Reply = { text: 'On it…' };

export function usageReply(error: CommandError): Reply {
  return { text: `:warning: ${escapeMrkdwn(error.message)}\n${code(error.usage)}` };
}

export function helpReply(topic?: Subcommand): Reply {
  return { text: code(topic ? usageOf(topic) : USAGE) };
}

/** A refusal or failure, by code: what went wrong and what to do. Never carries a secret (scrubbed by the caller); outside text in it must be `quoteInput`-ed. */
export function refusalReply(error: RunnerbotErrorShape): Reply {
  const emoji = error.code.startsWith('AUTH.') || error.code.startsWith('APPROVAL.') ? ':no_entry:' : ':warning:';
  return { text: `${emoji} ${escapeKeepingMentions(error.message)}` };
}

export function unexpectedReply(message: string): Reply {
  return {
    text: `:x: runnerbot could not finish this: ${escapeMrkdwn(message)}. Nothing more will happen; try again, and tell the runnerbot admins if it keeps failing.`,
  };
}

export function requestedReply(run: RunRecord, awaitingApproval: boolean, channel: string | undefined): Reply {
  const where = channel && /^[CG][A-Z0-9]+$/.test(channel) ? ` Follow it in <#${channel}>.` : '';
  const next = awaitingApproval ? 'is waiting for a second person to approve it' : 'is queued';
  return { text: `${runTitle(run)} ${next} (run ${inline(run.id)}).${where}` };
}

/** Within Slack's limits, with every configured secret removed. */
export function safeReply(reply: Reply, scrub: (text: string) => string): Reply {
  const blocks = reply.blocks ? (JSON.parse(scrub(JSON.stringify(reply.blocks))) as Reply['blocks']) : undefined;
  return fitMessage({ text: scrub(reply.text), ...(blocks ? { blocks } : {}) });
}

export const fit = (reply: Reply): Reply => fitMessage(reply);
