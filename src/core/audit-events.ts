// The audit trail as a person reads it: one event per run (its request, approval, steps and end
// folded into one line with the outcome) and one per entry that belongs to no run (a pool's
// scale, a Silence click). Entries come oldest first; events keep that order.
import type { AuditEntry } from './ports.ts';

export interface TimedAuditEntry extends AuditEntry {
  at: number;
}

export interface AuditEvent {
  /** When it began (the request, or the entry). */
  at: number;
  /** Who asked (a Slack id, `cli:user@host`, `pool:PROFILE`), or undefined for runnerbot itself. */
  actor?: string;
  /** provision, deprovision, reprovision, scale, silence, … */
  what: string;
  runner?: string;
  runId?: string;
  /** "succeeded in 1 min 4 s", "failed at clone: PROXMOX.TASK_FAILED", "denied by U…", … */
  outcome: string;
}

const str = (value: unknown): string | undefined => (value === undefined || value === '' ? undefined : String(value));

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

function runOutcome(entries: readonly TimedAuditEntry[]): string {
  const end = entries.findLast((e) => e.type === 'job-end');
  const approval = entries.findLast((e) => e.type === 'approval');
  const steps = entries.filter((e) => e.type === 'step').length;
  const stepsText = `${steps} step${steps === 1 ? '' : 's'}`;
  const approved =
    approval && str(approval.detail.decision) === 'approved' && approval.actor ? `, approved by ${approval.actor}` : '';
  if (end) {
    const took = duration(end.at - entries[0]!.at);
    if (str(end.detail.outcome) === 'succeeded') return `succeeded in ${took} (${stepsText}${approved})`;
    const where = [str(end.detail.step), str(end.detail.code)].filter(Boolean).join(': ');
    return `${str(end.detail.outcome) ?? 'ended'}${where ? ` at ${where}` : ''} after ${took} (${stepsText}${approved})`;
  }
  if (approval) {
    const decision = str(approval.detail.decision);
    if (decision === 'denied')
      return `denied${approval.actor ? ` by ${approval.actor}` : ''}${approval.detail.withdrawn ? ' (withdrawn)' : ''}`;
    if (decision === 'expired') return 'expired: nobody approved it';
  }
  const request = entries.find((e) => e.type === 'request');
  if (steps > 0) return `in progress (${stepsText} done${approved})`;
  if (request?.detail.awaitingApproval && !approval) return 'waiting for approval';
  return `queued${approved}`;
}

function single(entry: TimedAuditEntry): AuditEvent {
  const { detail } = entry;
  const what = str(detail.kind) ?? str(detail.action) ?? entry.type;
  const outcome =
    what === 'scale'
      ? `${str(detail.previous) ?? 'unset'} → ${str(detail.desired)} runners`
      : what === 'silence'
        ? `silenced for ${str(detail.duration)} (silence ${str(detail.silenceId)})`
        : Object.entries(detail)
            .filter(([key, value]) => key !== 'kind' && key !== 'action' && str(value) !== undefined)
            .map(([key, value]) => `${key}=${String(value)}`)
            .join(' ');
  return {
    at: entry.at,
    what,
    outcome,
    ...(entry.actor ? { actor: entry.actor } : {}),
    ...(entry.runner ? { runner: entry.runner } : {}),
    ...(entry.runId ? { runId: entry.runId } : {}),
  };
}

export function auditEvents(entries: readonly TimedAuditEntry[]): AuditEvent[] {
  const runs = new Map<string, TimedAuditEntry[]>();
  const events: (AuditEvent | string)[] = [];
  for (const entry of entries) {
    if (!entry.runId) {
      events.push(single(entry));
      continue;
    }
    const seen = runs.get(entry.runId);
    if (seen) seen.push(entry);
    else {
      runs.set(entry.runId, [entry]);
      events.push(entry.runId);
    }
  }
  return events.map((event) => {
    if (typeof event !== 'string') return event;
    const entries = runs.get(event)!;
    const request = entries.find((e) => e.type === 'request') ?? entries[0]!;
    const kind = str(request.detail.kind) ?? str(entries.find((e) => e.detail.kind)?.detail.kind) ?? 'run';
    return {
      at: entries[0]!.at,
      what: kind,
      outcome: runOutcome(entries),
      runId: event,
      ...(request.actor ? { actor: request.actor } : {}),
      ...(request.runner ? { runner: request.runner } : {}),
    };
  });
}
