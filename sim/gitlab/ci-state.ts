// The simulator's projects, their repository (one tree per branch, a commit list), pipelines and
// CI jobs. A pipeline's jobs wait for the stages before theirs; a failed stage skips the rest. A
// job is handed to a runner only when the runner carries every tag of the job (and takes
// untagged jobs when the job has none), is not paused, and may serve the job's project.
import { createHash, randomBytes } from 'node:crypto';
import type { CiJobDef } from './ci-yaml.ts';
import type { SimJob, SimRunner } from './state.ts';

export interface SimProject {
  id: number;
  /** namespace/name, e.g. platform/runner-validation */
  path: string;
  defaultBranch: string;
  branches: Map<string, Map<string, string>>;
  commits: { id: string; branch: string; message: string; files: string[] }[];
}

export interface SimCiJob extends CiJobDef {
  id: number;
  pipelineId: number;
  projectId: number;
  status: 'created' | 'pending' | 'running' | 'success' | 'failed' | 'skipped' | 'canceled';
  runnerId: number | null;
  /** sha256 of the job token while the job runs. */
  tokenHash: string | null;
  trace: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The entry in the runner's job list (GET /runners/:id/jobs). */
  runnerJob: SimJob | null;
}

export interface SimPipeline {
  id: number;
  projectId: number;
  ref: string;
  sha: string;
  variables: Record<string, string>;
  jobs: SimCiJob[];
  createdAt: number;
}

const FINISHED = new Set(['success', 'failed', 'skipped', 'canceled']);
const sha = () => randomBytes(20).toString('hex');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class CiState {
  readonly projects = new Map<number, SimProject>();
  readonly pipelines = new Map<number, SimPipeline>();
  private nextProjectId = 1;
  private nextPipelineId = 1;
  /** Apart from the ids of jobs added by hand (GitlabSim.addJob), which start at 1. */
  private nextJobId = 100_000;

  constructor(private readonly now: () => number) {}

  addProject(path: string, defaultBranch = 'main'): SimProject {
    const project: SimProject = {
      id: this.nextProjectId++,
      path,
      defaultBranch,
      branches: new Map([[defaultBranch, new Map()]]),
      commits: [],
    };
    this.projects.set(project.id, project);
    return project;
  }

  /** A project by numeric id or URL-encoded path, as GitLab's `:id` accepts both. */
  project(id: string): SimProject | undefined {
    if (/^\d+$/.test(id)) return this.projects.get(Number(id));
    const path = decodeURIComponent(id);
    return [...this.projects.values()].find((p) => p.path === path);
  }

  commit(project: SimProject, branch: string, message: string, files: Record<string, string>): string {
    const tree = project.branches.get(branch) ?? new Map<string, string>();
    for (const [path, content] of Object.entries(files)) tree.set(path, content);
    project.branches.set(branch, tree);
    const id = sha();
    project.commits.push({ id, branch, message, files: Object.keys(files) });
    return id;
  }

  headOf(project: SimProject, branch: string): string {
    return [...project.commits].reverse().find((c) => c.branch === branch)?.id ?? sha();
  }

  createPipeline(project: SimProject, ref: string, variables: Record<string, string>, defs: CiJobDef[]): SimPipeline {
    const pipeline: SimPipeline = {
      id: this.nextPipelineId++,
      projectId: project.id,
      ref,
      sha: this.headOf(project, ref),
      variables,
      jobs: [],
      createdAt: this.now(),
    };
    pipeline.jobs = defs.map((def) => ({
      ...def,
      id: this.nextJobId++,
      pipelineId: pipeline.id,
      projectId: project.id,
      status: 'created',
      runnerId: null,
      tokenHash: null,
      trace: '',
      createdAt: this.now(),
      startedAt: null,
      finishedAt: null,
      runnerJob: null,
    }));
    this.pipelines.set(pipeline.id, pipeline);
    this.advance(pipeline);
    return pipeline;
  }

  /** Opens the next stage once every job before it passed; skips the rest after a failure. */
  advance(pipeline: SimPipeline): void {
    const open = pipeline.jobs.filter((j) => !FINISHED.has(j.status));
    if (open.length === 0) return;
    const stage = Math.min(...open.map((j) => j.stageIndex));
    const failedBefore = pipeline.jobs.some((j) => j.stageIndex < stage && j.status === 'failed');
    for (const job of open.filter((j) => j.stageIndex === stage && j.status === 'created'))
      job.status = failedBefore ? 'skipped' : 'pending';
    if (failedBefore) this.advance(pipeline);
  }

  status(pipeline: SimPipeline): string {
    const statuses = pipeline.jobs.map((j) => j.status);
    if (statuses.includes('running')) return 'running';
    if (statuses.includes('pending')) return 'pending';
    if (statuses.includes('created')) return 'created';
    if (statuses.includes('failed')) return 'failed';
    if (statuses.includes('canceled')) return 'canceled';
    return statuses.every((s) => s === 'skipped') ? 'skipped' : 'success';
  }

  jobs(): SimCiJob[] {
    return [...this.pipelines.values()].flatMap((p) => p.jobs);
  }

  /** The oldest pending job this runner may take, if any. */
  jobFor(runner: SimRunner): SimCiJob | undefined {
    if (runner.paused) return undefined;
    return this.jobs().find(
      (j) =>
        j.status === 'pending' &&
        (runner.runnerType !== 'project_type' || runner.projectId === j.projectId) &&
        (j.tags.length === 0 ? runner.runUntagged : j.tags.every((t) => runner.tagList.includes(t))),
    );
  }

  /** Hands the job to the runner; returns the job token (shown only in this answer). */
  assign(job: SimCiJob, runner: SimRunner): string {
    const token = `glcbt-${randomBytes(15).toString('base64url')}`;
    job.status = 'running';
    job.runnerId = runner.id;
    job.tokenHash = hashToken(token);
    job.startedAt = this.now();
    job.runnerJob = { id: job.id, name: job.name, status: 'running', createdAt: job.createdAt };
    runner.jobs.push(job.runnerJob);
    return token;
  }

  finish(job: SimCiJob, status: 'success' | 'failed'): void {
    job.status = status;
    job.finishedAt = this.now();
    job.tokenHash = null;
    if (job.runnerJob) job.runnerJob.status = status;
    const pipeline = this.pipelines.get(job.pipelineId);
    if (pipeline) this.advance(pipeline);
  }

  byJobToken(id: number, token: unknown): SimCiJob | undefined {
    if (typeof token !== 'string') return undefined;
    const job = this.jobs().find((j) => j.id === id);
    return job && job.tokenHash === hashToken(token) ? job : undefined;
  }
}
