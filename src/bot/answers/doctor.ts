// `/runner doctor`: one line per check, ✓ or ✗ with its fix, failures first so that a cut
// message still shows what to change. Check text names outside things (nodes, storages, Proxmox
// errors), so every part is escaped.
import type { DoctorCheck } from '../../core/doctor.ts';
import type { SlackBlock } from '../blocks/types.ts';
import { LIMITS } from '../blocks/limits.ts';
import { escapeMrkdwn } from '../mrkdwn.ts';
import type { Reply } from './replies.ts';

/** The config refuses URLs that carry a user and password, but REDIS_URL may: never show that part. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;

const shown = (text: string): string => escapeMrkdwn(text.replace(URL_USERINFO, '$1'));

const lineOf = (check: DoctorCheck): string =>
  check.ok
    ? `✓ *${shown(check.name)}*: ${shown(check.detail)}`
    : `✗ *${shown(check.name)}*: ${shown(check.detail)}\n        fix: ${shown(check.fix ?? '')}`;

/** Lines packed into sections of at most Slack's section length (a line longer than that is cut by fitMessage). */
function sections(lines: string[]): SlackBlock[] {
  const chunks: string[] = [];
  for (const line of lines) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= LIMITS.sectionText)
      chunks[chunks.length - 1] = `${last}\n${line}`;
    else chunks.push(line);
  }
  return chunks.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

export function doctorReply(checks: readonly DoctorCheck[]): Reply {
  const failed = checks.filter((c) => !c.ok);
  const summary =
    failed.length === 0
      ? `:white_check_mark: runnerbot doctor: all ${checks.length} checks passed`
      : `:x: runnerbot doctor: ${failed.length} of ${checks.length} checks failed`;
  const lines = [...failed, ...checks.filter((c) => c.ok)].map(lineOf);
  return { text: summary, blocks: sections([summary, ...lines]) };
}
