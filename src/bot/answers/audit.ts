// `audit [NAME]`: the newest audit entries, newest first.
import type { AuditEntry } from '../../core/ports.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import type { Reply } from './replies.ts';

export interface AuditRow extends AuditEntry {
  at: number;
}

const detailText = (detail: AuditEntry['detail']) =>
  Object.entries(detail)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

export function auditLine(row: AuditRow): string {
  const when = new Date(row.at).toISOString().replace('T', ' ').slice(0, 19);
  const who = row.actor
    ? /^[UW][A-Z0-9]+$/.test(row.actor)
      ? `<@${row.actor}>`
      : escapeMrkdwn(row.actor)
    : 'runnerbot';
  const what = escapeMrkdwn(
    [row.type, row.runner, row.runId && `(${row.runId})`, detailText(row.detail)].filter(Boolean).join(' '),
  );
  return `\`${when}Z\` ${who} ${what}`;
}

export function auditReply(rows: AuditRow[], name?: string): Reply {
  const scope = name ? ` for ${code(name)}` : '';
  if (rows.length === 0) return { text: `No audit entries${scope}.` };
  return { text: [`Latest ${rows.length} audit entries${scope}, newest first:`, ...rows.map(auditLine)].join('\n') };
}
