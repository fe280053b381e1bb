// Alertmanager's webhook payload, version 4, as zod: what runnerbot reads must be there and have
// the right type; anything else Alertmanager adds (now or in later versions) passes through.
import { z } from 'zod';
import type { AlertmanagerPayload } from '../core/alerts/payload.ts';

const labels = z.record(z.string(), z.string());
const status = z.enum(['firing', 'resolved']);

const alert = z.looseObject({
  status,
  labels,
  annotations: labels.default({}),
  startsAt: z.string().default(''),
  endsAt: z.string().default(''),
  generatorURL: z.string().default(''),
  fingerprint: z.string().default(''),
});

export const alertmanagerPayloadSchema = z.looseObject({
  version: z.literal('4'),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().min(0).default(0),
  status,
  receiver: z.string(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(alert).min(1),
});

export type ParsedPayload = { ok: true; payload: AlertmanagerPayload } | { ok: false; problem: string };

/** Only the fields runnerbot reads are kept (the queued entry stays small). */
function slim(p: z.infer<typeof alertmanagerPayloadSchema>): AlertmanagerPayload {
  return {
    version: p.version,
    groupKey: p.groupKey,
    truncatedAlerts: p.truncatedAlerts,
    status: p.status,
    receiver: p.receiver,
    groupLabels: p.groupLabels,
    commonLabels: p.commonLabels,
    commonAnnotations: p.commonAnnotations,
    externalURL: p.externalURL,
    alerts: p.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  };
}

/** The payload, or the first problem with its field path: `alerts[0].status: …`. */
export function parseAlertmanagerPayload(body: unknown): ParsedPayload {
  const parsed = alertmanagerPayloadSchema.safeParse(body);
  if (parsed.success) return { ok: true, payload: slim(parsed.data) };
  const issue = parsed.error.issues[0]!;
  const path = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`))
    .join('');
  return { ok: false, problem: `${path || 'body'}: ${issue.message}` };
}
