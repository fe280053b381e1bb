// `audit [NAME]`: the newest events, newest first, one line each: a run's request, approval, steps
// and end folded into one line with its outcome (core/audit-events.ts), with a relative time.
import { auditEvents, type AuditEvent, type TimedAuditEntry } from '../../core/audit-events.ts';
import type { AuditEntry } from '../../core/ports.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import { ago } from '../../core/relative-time.ts';
import type { Reply } from './replies.ts';

export interface AuditRow extends AuditEntry {
  at: number;
}

/** Events shown; a run has one line however many entries it wrote. */
export const AUDIT_EVENTS_SHOWN = 20;

const who = (actor: string | undefined) =>
  actor ? (/^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : code(actor)) : 'runnerbot';

export function auditLine(event: AuditEvent, now: number): string {
  const what = escapeMrkdwn([event.what, event.runner].filter(Boolean).join(' '));
  const run = event.runId ? ` · run ${code(event.runId)}` : '';
  return `\`${ago(event.at, now)}\` ${who(event.actor)} ${what}: ${escapeMrkdwn(event.outcome)}${run}`;
}

/** `rows` newest first, as read. */
export function auditReply(rows: AuditRow[], name: string | undefined, now: number): Reply {
  const scope = name ? ` for ${code(name)}` : '';
  if (rows.length === 0) return { text: `No audit entries${scope}.` };
  const events = auditEvents([...rows].reverse() as TimedAuditEntry[])
    .reverse()
    .slice(0, AUDIT_EVENTS_SHOWN);
  return {
    text: [`Latest ${events.length} events${scope}, newest first:`, ...events.map((e) => auditLine(e, now))].join('\n'),
  };
}
