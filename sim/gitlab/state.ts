// The GitLab simulator's memory: runners, their jobs, and hashed runner tokens. A `glrt-` token
// exists in clear only in the response that creates or resets it, as in GitLab; on an instance
// with a runner token expiry it stops working at its `token_expires_at`.
import { createHash, randomBytes } from 'node:crypto';

export type RunnerType = 'instance_type' | 'group_type' | 'project_type';

export interface SimJob {
  id: number;
  name: string;
  status: string;
  createdAt: number;
}

export interface SimRunner {
  id: number;
  runnerType: RunnerType;
  groupId: number | null;
  projectId: number | null;
  owner: string;
  description: string;
  tagList: string[];
  paused: boolean;
  locked: boolean;
  runUntagged: boolean;
  accessLevel: string;
  maximumTimeout: number | null;
  maintenanceNote: string | null;
  createdAt: number;
  contactedAt: number | null;
  jobs: SimJob[];
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => `glrt-${randomBytes(15).toString('base64url')}`;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const STALE_AFTER_MS = 7 * 24 * 3600_000;

export class GitlabState {
  readonly runners = new Map<number, SimRunner>();
  private readonly tokenHashes = new Map<number, { hash: string; expiresAt: number | null }>();
  private nextRunnerId = 1;
  private nextJobId = 1;

  constructor(
    readonly now: () => number,
    private readonly onlineWindowMs: number,
    /** The instance's runner token expiry (Admin > CI/CD > Runners expiration); null for none. */
    private readonly tokenExpiryMs: number | null = null,
  ) {}

  create(fields: Omit<SimRunner, 'id' | 'createdAt' | 'contactedAt' | 'jobs'>): {
    runner: SimRunner;
    token: string;
    tokenExpiresAt: string | null;
  } {
    const runner: SimRunner = {
      ...fields,
      id: this.nextRunnerId++,
      createdAt: this.now(),
      contactedAt: null,
      jobs: [],
    };
    this.runners.set(runner.id, runner);
    return { runner, ...this.resetToken(runner) };
  }

  resetToken(runner: SimRunner): { token: string; tokenExpiresAt: string | null } {
    const token = newToken();
    const expiresAt = this.tokenExpiryMs === null ? null : this.now() + this.tokenExpiryMs;
    this.tokenHashes.set(runner.id, { hash: hash(token), expiresAt });
    return { token, tokenExpiresAt: iso(expiresAt) };
  }

  remove(id: number): void {
    this.runners.delete(id);
    this.tokenHashes.delete(id);
  }

  byToken(token: unknown): SimRunner | undefined {
    if (typeof token !== 'string') return undefined;
    const h = hash(token);
    for (const [id, stored] of this.tokenHashes) {
      if (stored.hash === h && (stored.expiresAt === null || this.now() < stored.expiresAt))
        return this.runners.get(id);
    }
    return undefined;
  }

  addJob(runner: SimRunner, name: string, status: string): SimJob {
    const job = { id: this.nextJobId++, name, status, createdAt: this.now() };
    runner.jobs.push(job);
    return job;
  }

  online(r: SimRunner): boolean {
    return r.contactedAt !== null && this.now() - r.contactedAt < this.onlineWindowMs;
  }

  status(r: SimRunner): 'online' | 'offline' | 'never_contacted' | 'stale' {
    const last = r.contactedAt ?? r.createdAt;
    if (this.now() - last >= STALE_AFTER_MS) return 'stale';
    if (r.contactedAt === null) return 'never_contacted';
    return this.online(r) ? 'online' : 'offline';
  }

  /** API_Entities_Ci_Runner, as the list endpoints present it. */
  entity(r: SimRunner): Record<string, unknown> {
    return {
      id: r.id,
      description: r.description,
      ip_address: r.contactedAt === null ? null : '127.0.0.1',
      active: !r.paused,
      paused: r.paused,
      is_shared: r.runnerType === 'instance_type',
      runner_type: r.runnerType,
      name: r.contactedAt === null ? null : 'gitlab-runner',
      online: this.online(r),
      status: this.status(r),
    };
  }

  /** API_Entities_Ci_RunnerDetails, as GET/PUT /runners/:id present it. */
  details(r: SimRunner): Record<string, unknown> {
    return {
      ...this.entity(r),
      created_at: iso(r.createdAt),
      contacted_at: iso(r.contactedAt),
      job_execution_status: r.jobs.some((j) => j.status === 'running') ? 'active' : 'idle',
      tag_list: r.tagList,
      run_untagged: r.runUntagged,
      locked: r.locked,
      maximum_timeout: r.maximumTimeout,
      access_level: r.accessLevel,
      maintenance_note: r.maintenanceNote,
      version: null,
      revision: null,
      platform: null,
      architecture: null,
      projects: r.projectId === null ? [] : [{ id: r.projectId }],
      groups: r.groupId === null ? [] : [{ id: r.groupId }],
    };
  }

  job(r: SimRunner, j: SimJob): Record<string, unknown> {
    return {
      id: j.id,
      name: j.name,
      status: j.status,
      stage: 'test',
      ref: 'main',
      created_at: iso(j.createdAt),
      runner: { id: r.id },
    };
  }
}
