// One alert group as a line of a storm digest, and whether the whole digest is over.
import type { AlertmanagerPayload } from './payload.ts';
import type { DigestLine } from './ports.ts';
import type { AlertGroupSummary } from './summary.ts';

export function digestLine(
  groupKey: string,
  payload: Pick<AlertmanagerPayload, 'groupLabels' | 'commonAnnotations'>,
  summary: AlertGroupSummary,
): DigestLine {
  const labels = Object.entries(payload.groupLabels)
    .filter(([name]) => name !== 'alertname')
    .map(([name, value]) => `${name}=${value}`);
  const name = summary.alertnames.join(', ') || 'alert group';
  const title =
    [name, ...labels].join(' ') + (payload.commonAnnotations.summary ? ` — ${payload.commonAnnotations.summary}` : '');
  const line: DigestLine = {
    groupKey,
    status: summary.status,
    title,
    firing: summary.firing,
    resolved: summary.resolved,
  };
  if (summary.severity !== undefined) line.severity = summary.severity;
  return line;
}

export const digestResolved = (lines: readonly DigestLine[]): boolean =>
  lines.length > 0 && lines.every((l) => l.status === 'resolved');
