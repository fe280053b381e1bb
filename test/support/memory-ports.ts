// In-memory implementations of the ports, for unit tests of the use cases. They follow the
// contracts in src/core/ports.ts (including "a key set to undefined in an outputs patch removes it").
import { transient } from '../../src/core/errors.ts';
import type {
  Approval,
  ApprovalDecision,
  ApprovalStore,
  AuditEntry,
  AuditLog,
  Clock,
  Directory,
  Fleet,
  FleetEntry,
  Ids,
  JobQueue,
  Notifier,
  ProgressEvent,
  RunStore,
  RunnerLock,
} from '../../src/core/ports.ts';
import type { RunRecord, RunStatus } from '../../src/core/run.ts';
import { FINAL_STATUSES } from '../../src/core/run.ts';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryRunStore implements RunStore {
  readonly runs = new Map<string, RunRecord>();

  async create(run: RunRecord) {
    const active = await this.activeFor(run.runner);
    if (active) return { created: false as const, activeRunId: active.id };
    this.runs.set(run.id, clone(run));
    return { created: true as const };
  }
  async get(id: string) {
    const run = this.runs.get(id);
    return run ? clone(run) : null;
  }
  async update(id: string, patch: Parameters<RunStore['update']>[1]) {
    const run = this.runs.get(id);
    if (!run) throw new Error(`no run ${id}`);
    const next = clone({ ...run, ...patch, outputs: { ...run.outputs, ...patch.outputs } });
    this.runs.set(id, next);
    return clone(next);
  }
  async activeFor(runner: string) {
    const run = [...this.runs.values()].find((r) => r.runner === runner && !FINAL_STATUSES.includes(r.status));
    return run ? clone(run) : null;
  }
  async finish(id: string, status: RunStatus, patch: Partial<RunRecord> = {}) {
    return this.update(id, { ...patch, status });
  }
  async recent(limit: number, runner?: string) {
    return [...this.runs.values()]
      .filter((r) => !runner || r.runner === runner)
      .slice(-limit)
      .map(clone);
  }
}

export class MemoryAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry) {
    this.entries.push(clone(entry));
  }
}

export class RecordingNotifier implements Notifier {
  readonly events: ProgressEvent[] = [];
  async notify(event: ProgressEvent) {
    this.events.push(clone(event));
  }
  types(): string[] {
    return this.events.map((e) => ('step' in e ? `${e.type}:${e.step}` : e.type));
  }
}

export class MemoryFleet implements Fleet {
  readonly entries = new Map<string, FleetEntry>();
  async upsert(entry: FleetEntry) {
    this.entries.set(entry.name, clone(entry));
  }
  async remove(name: string) {
    this.entries.delete(name);
  }
  async list() {
    return [...this.entries.values()].map(clone);
  }
  async get(name: string) {
    const e = this.entries.get(name);
    return e ? clone(e) : null;
  }
}

/** A clock that only moves when slept on, so waits in tests take no time. */
export class ManualClock implements Clock {
  constructor(public current = 1_700_000_000_000) {}
  now() {
    return this.current;
  }
  async sleep(ms: number) {
    this.current += ms;
  }
}

export const heldLock = (): RunnerLock & { lost: boolean } => ({
  fencingToken: 1,
  lost: false,
  async assert() {
    if (this.lost) throw transient('LOCK.LOST', 'lock lost');
  },
  async release() {},
});

export class MemoryApprovals implements ApprovalStore {
  readonly approvals = new Map<string, Approval>();
  async open(approval: Omit<Approval, 'status' | 'decidedBy' | 'decidedAt'>) {
    this.approvals.set(approval.runId, { ...approval, status: 'pending' });
  }
  async get(runId: string) {
    const a = this.approvals.get(runId);
    return a ? { ...a } : null;
  }
  async decide(runId: string, decision: ApprovalDecision, by: string, at: number) {
    const a = this.approvals.get(runId);
    if (!a || a.status !== 'pending') return false;
    this.approvals.set(runId, { ...a, status: decision, decidedBy: by, decidedAt: at });
    return true;
  }
  async expired(now: number) {
    return [...this.approvals.values()].filter((a) => a.status === 'pending' && a.expiresAt <= now);
  }
}

export class MemoryQueue implements JobQueue {
  readonly enqueued: string[] = [];
  failing = false;
  async enqueueRun(runId: string) {
    if (this.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    if (!this.enqueued.includes(runId)) this.enqueued.push(runId);
  }
}

/** User id -> group ids. */
export const staticDirectory = (groups: Record<string, string[]> = {}): Directory => ({
  groupsOf: async (userId) => groups[userId] ?? [],
});

export const sequentialIds = (): Ids => {
  let n = 0;
  return { runId: () => `r${++n}` };
};
