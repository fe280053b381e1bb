// The interfaces that adapters implement and use cases depend on. Nothing here does I/O.
import type { RunRecord, RunOutputs, RunStatus, Requester } from './run.ts';
import type { StepName } from './plan.ts';
import type { CommitAction } from './validation.ts';

// ---------------------------------------------------------------- time and identity

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Ids {
  /** A new, unique, URL- and Slack-safe id for a run (e.g. `r_01J…`). */
  runId(): string;
}

// ---------------------------------------------------------------- Proxmox VE

export interface VmSummary {
  vmid: number;
  node: string;
  name: string;
  tags: string[];
  pool?: string;
  status: string;
  template: boolean;
}

export interface NodeSummary {
  node: string;
  online: boolean;
  freeMemoryBytes: number;
}

/** A Proxmox task: the node it runs on and its UPID. */
export interface TaskRef {
  node: string;
  upid: string;
}

/** How a task that succeeded ended: `OK`, or `WARNINGS: N` with the warning lines of its log. */
export interface TaskOutcome {
  warnings: string[];
}

/** A storage as Proxmox lists it; only shared storage can take a clone to another node. */
export interface StorageSummary {
  storage: string;
  shared: boolean;
  /** Content types, e.g. `images`, `rootdir`. */
  content: string[];
}

export interface CloneRequest {
  templateNode: string;
  templateVmid: number;
  newid: number;
  name: string;
  targetNode: string;
  pool: string;
  storage?: string;
  full: boolean;
  /** The new VM's description (runnerbot records the run that made it there). */
  description?: string;
}

export interface VmSettings {
  cores: number;
  memoryMiB: number;
  tags: string[];
  ciuser: string;
  sshPublicKey: string;
  ipconfig0: string;
  /** The first NIC as a property string (model, MAC, bridge), when it must change. */
  net0?: string;
  description?: string;
}

export interface Hypervisor {
  listVms(): Promise<VmSummary[]>;
  listNodes(): Promise<NodeSummary[]>;
  /** Asks Proxmox whether `vmid` is free (`/cluster/nextid?vmid=`). */
  isVmidFree(vmid: number): Promise<boolean>;
  cloneVm(req: CloneRequest): Promise<TaskRef>;
  /** Polls the task until it stops; throws unless it ended `OK` or `WARNINGS: N`, or when the timeout passes. */
  waitTask(task: TaskRef, timeoutMs: number): Promise<TaskOutcome>;
  /** The storage configured on a node, with its `shared` flag. */
  listStorage(node: string): Promise<StorageSummary[]>;
  /** The VM's current config (`/config`), including `lock` while a clone or other task holds it. */
  getVmConfig(node: string, vmid: number): Promise<Record<string, string | number>>;
  setVmConfig(node: string, vmid: number, settings: VmSettings): Promise<void>;
  resizeDisk(node: string, vmid: number, disk: string, sizeGiB: number): Promise<void>;
  getVmStatus(node: string, vmid: number): Promise<'running' | 'stopped' | 'absent'>;
  startVm(node: string, vmid: number): Promise<TaskRef>;
  stopVm(node: string, vmid: number): Promise<TaskRef>;
  /** Deletes with purge and destroy-unreferenced-disks; null when the VM is already gone. */
  deleteVm(node: string, vmid: number): Promise<TaskRef | null>;
  /** The guest's first routable IPv4 (not lo, link-local or docker*), or null while the agent is not up. */
  guestIpv4(node: string, vmid: number): Promise<string | null>;
  /** Sets the VM's name and description (a rebuild's successor taking its runner's name). */
  renameVm(node: string, vmid: number, name: string, description: string): Promise<void>;
}

// ---------------------------------------------------------------- GitLab

export interface GitlabRunner {
  id: number;
  description: string;
  tagList: string[];
  paused: boolean;
  locked: boolean;
  runUntagged: boolean;
  status: string;
  online: boolean;
  contactedAt?: string;
}

export interface CreateRunnerRequest {
  description: string;
  tagList: string[];
  runUntagged: boolean;
  locked: boolean;
  maximumTimeout?: number;
}

export interface RunnerRegistry {
  /** Creates a runner; the token is returned once and must only ever reach the VM. */
  createRunner(req: CreateRunnerRequest): Promise<{ id: number } & RunnerTokenGrant>;
  getRunner(id: number): Promise<GitlabRunner | null>;
  findRunnersByDescription(description: string): Promise<GitlabRunner[]>;
  setPaused(id: number, paused: boolean): Promise<void>;
  /** Replaces the runner's tags (a runner under validation carries only its validation tag). */
  setTags(id: number, tags: string[]): Promise<void>;
  /** Number of jobs the runner is running now. */
  runningJobs(id: number): Promise<number>;
  /** The jobs the runner is running now (id and name), for the thread while it drains. */
  listRunningJobs(id: number): Promise<RunningJob[]>;
  /** Sets the runner's description (a rebuild's successor taking its runner's name). */
  setDescription(id: number, description: string): Promise<void>;
  /** Deletes the runner; resolves normally when it is already gone (404). */
  deleteRunner(id: number): Promise<void>;
  /** Issues a new token for an existing runner (used when a resumed run lost the first one). */
  resetToken(id: number): Promise<RunnerTokenGrant>;
}

export interface RunningJob {
  id: number;
  name: string;
}

/** A pipeline of the validation project, as GitLab reports it. */
export interface Pipeline {
  id: number;
  /** created, pending, running, success, failed, canceled, skipped, manual, … */
  status: string;
  webUrl: string;
}

export interface PipelineJob {
  id: number;
  name: string;
  status: string;
  webUrl: string;
}

/** The validation project in GitLab: its CI files and the pipelines that prove a new runner. */
export interface ValidationProject {
  /** Starts the project's pipeline on `ref` with these CI/CD variables. */
  trigger(ref: string, variables: Record<string, string>): Promise<Pipeline>;
  /** The pipeline, or null when GitLab no longer has it. */
  pipeline(id: number): Promise<Pipeline | null>;
  jobs(pipelineId: number): Promise<PipelineJob[]>;
  /** A file's text on `ref`, or null when it does not exist. */
  readFile(path: string, ref: string): Promise<string | null>;
  commit(branch: string, message: string, actions: CommitAction[]): Promise<void>;
}

/** A runner authentication token as GitLab issues it: `tokenExpiresAt` (ISO 8601) is null when the instance sets no expiry. */
export interface RunnerTokenGrant {
  token: string;
  tokenExpiresAt: string | null;
}

// ---------------------------------------------------------------- the runner VM over SSH

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One SSH connection to one VM, held for the whole job. */
export interface RemoteSession {
  /** Runs a fixed command line; arguments must already be quoted with `shellQuote`. */
  exec(command: string, options?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** Writes a file atomically (temp file + rename) with the given mode. */
  writeFile(path: string, content: string, mode: number): Promise<void>;
  readFile(path: string): Promise<string | null>;
  close(): Promise<void>;
}

export interface RemoteShell {
  /** Connects, retrying until the VM answers or the timeout passes. */
  connect(host: string, timeoutMs: number, signal?: AbortSignal): Promise<RemoteSession>;
  /** Forgets a deleted VM's host key, so the next VM on the same address is trusted anew. */
  forgetHost?(host: string): Promise<void>;
}

// ---------------------------------------------------------------- progress and messages

export type ProgressEvent =
  | { type: 'run-requested'; run: RunRecord }
  | { type: 'run-started'; run: RunRecord }
  | { type: 'step-started'; run: RunRecord; step: StepName }
  | { type: 'step-finished'; run: RunRecord; step: StepName; applied: boolean; durationMs: number; warnings?: string[] }
  | { type: 'step-note'; run: RunRecord; step: StepName; text: string }
  | {
      type: 'step-failed';
      run: RunRecord;
      step: StepName;
      error: { code: string; message: string };
      willRetry: boolean;
    }
  | { type: 'approval-decided'; run: RunRecord; decision: ApprovalDecision; by: string }
  | { type: 'run-finished'; run: RunRecord };

export interface Notifier {
  notify(event: ProgressEvent): Promise<void>;
}

/** Slack user-group membership (by id only), cached by the adapter for at most 5 minutes. */
export interface Directory {
  groupsOf(userId: string): Promise<string[]>;
}

// ---------------------------------------------------------------- queues and records

export interface JobQueue {
  /** Enqueues the run with `jobId = runId`; enqueueing the same id twice adds one job. */
  enqueueRun(runId: string): Promise<void>;
}

export interface RunStore {
  /** Creates the record, or returns the id of the active run for the same runner name instead. */
  create(run: RunRecord): Promise<{ created: true } | { created: false; activeRunId: string }>;
  get(id: string): Promise<RunRecord | null>;
  /** Merges a patch; `outputs` are merged key by key. */
  update(
    id: string,
    patch: Partial<Omit<RunRecord, 'id' | 'outputs'>> & { outputs?: Partial<RunOutputs> },
  ): Promise<RunRecord>;
  /** The active (not final) run for a runner name, if any. */
  activeFor(runner: string): Promise<RunRecord | null>;
  /** Releases the runner name when the run reaches a final status. */
  finish(id: string, status: RunStatus, patch?: Partial<RunRecord>): Promise<RunRecord>;
  recent(limit: number, runner?: string): Promise<RunRecord[]>;
}

export type ApprovalDecision = 'approved' | 'denied' | 'expired';

export interface Approval {
  runId: string;
  requester: string;
  createdAt: number;
  expiresAt: number;
  status: 'pending' | ApprovalDecision;
  decidedBy?: string;
  decidedAt?: number;
}

export interface ApprovalStore {
  /** Records a pending approval for a run (the card is posted after). */
  open(approval: Omit<Approval, 'status' | 'decidedBy' | 'decidedAt'>): Promise<void>;
  get(runId: string): Promise<Approval | null>;
  /** Moves pending -> decision atomically; returns false if it was already decided. */
  decide(runId: string, decision: ApprovalDecision, by: string, at: number): Promise<boolean>;
  /** Pending approvals whose expiry has passed (for the sweeper that marks cards Expired). */
  expired(now: number): Promise<Approval[]>;
}

export interface AuditEntry {
  type: 'request' | 'approval' | 'step' | 'job-end' | 'alert-action';
  runId?: string;
  runner?: string;
  actor?: string;
  detail: Record<string, string | number | boolean | undefined>;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
}

/** Held by one worker while it runs one runner's plan; `assert` throws LOCK.LOST if another took it. */
export interface RunnerLock {
  readonly fencingToken: number;
  assert(): Promise<void>;
  release(): Promise<void>;
}

export type { Requester };

// ---------------------------------------------------------------- coordination between workers

export interface Coordination {
  /** Claims a VMID for a run; true when this run holds it (claiming again is fine). */
  claimVmid(vmid: number, runId: string): Promise<boolean>;
  /** Waits for one of a node's clone slots (`worker.clonesPerNode`); call the result to free it. */
  acquireCloneSlot(node: string, runId: string, signal?: AbortSignal): Promise<() => Promise<void>>;
}

// ---------------------------------------------------------------- the managed fleet

/** A provisioned runner as monitoring sees it (`/sd/runners`, `list`, App Home). */
export interface FleetEntry {
  name: string;
  vmid: number;
  node: string;
  ip: string;
  profile: string;
  runnerId: number;
  tags: string[];
  provisionedAt: number;
  /** The runner token's times (never the token); absent on records written before rotation existed. */
  tokenObtainedAt?: number;
  tokenExpiresAt?: string | null;
}

export interface Fleet {
  upsert(entry: FleetEntry): Promise<void>;
  remove(name: string): Promise<void>;
  list(): Promise<FleetEntry[]>;
  get(name: string): Promise<FleetEntry | null>;
}
