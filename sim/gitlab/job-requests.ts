// The runner's side of the job API (lib/api/ci/runner.rb; gitlab-runner's network/gitlab.go):
// POST /jobs/request with the runner token answers 201 and a job, or 204 when there is none (and
// records the runner's contact, as GitLab does); PUT /jobs/:id and PATCH /jobs/:id/trace take the
// job's own token (in the body, and in the JOB-TOKEN header), which dies with the job.
import type { Reply } from './auth.ts';
import { FORBIDDEN } from './auth.ts';
import type { SimCiJob } from './ci-state.ts';
import type { RouteContext } from './routes.ts';

const TIMEOUT_S = 3600;

function jobPayload(ctx: RouteContext, job: SimCiJob, token: string): Record<string, unknown> {
  const project = ctx.ci.projects.get(job.projectId)!;
  const pipeline = ctx.ci.pipelines.get(job.pipelineId)!;
  const predefined: Record<string, string> = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_URL: ctx.url.origin,
    CI_JOB_ID: String(job.id),
    CI_JOB_NAME: job.name,
    CI_JOB_STAGE: job.stage,
    CI_PIPELINE_ID: String(pipeline.id),
    CI_PROJECT_ID: String(project.id),
    CI_PROJECT_PATH: project.path,
    CI_COMMIT_SHA: pipeline.sha,
    CI_COMMIT_SHORT_SHA: pipeline.sha.slice(0, 8),
    CI_COMMIT_REF_NAME: pipeline.ref,
    CI_RUNNER_ID: String(job.runnerId),
  };
  return {
    id: job.id,
    token,
    allow_git_fetch: true,
    job_info: { id: job.id, name: job.name, stage: job.stage, project_id: project.id, project_name: project.path },
    git_info: {
      repo_url: `${ctx.url.origin}/${project.path}.git`,
      ref: pipeline.ref,
      sha: pipeline.sha,
      before_sha: '0000000000000000000000000000000000000000',
      ref_type: 'branch',
      refspecs: [`+refs/heads/${pipeline.ref}:refs/remotes/origin/${pipeline.ref}`],
      depth: 20,
    },
    runner_info: { timeout: TIMEOUT_S, runner_session_url: null },
    variables: [
      ...Object.entries(predefined).map(([key, value]) => ({ key, value, public: true, masked: false })),
      { key: 'CI_JOB_TOKEN', value: token, public: false, masked: true },
      ...Object.entries(job.variables).map(([key, value]) => ({ key, value, public: false, masked: false })),
    ],
    steps: [{ name: 'script', script: job.script, timeout: TIMEOUT_S, when: 'on_success', allow_failure: false }],
    image: job.image ? { name: job.image } : null,
    services: job.services.map((name) => ({ name })),
    artifacts: [],
    cache: [],
    credentials: [],
    dependencies: [],
    features: { trace_sections: true },
  };
}

function requestJob(ctx: RouteContext): Reply {
  const runner = ctx.state.byToken(ctx.params.token);
  if (!runner) return FORBIDDEN;
  runner.contactedAt = ctx.state.now();
  const job = ctx.ci.jobFor(runner);
  if (!job) return { status: 204, headers: { 'x-gitlab-last-update': String(ctx.state.now()) } };
  const token = ctx.ci.assign(job, runner);
  return { status: 201, body: jobPayload(ctx, job, token) };
}

/** The running job whose token the request carries; GitLab answers 403 for any other. */
function runningJob(ctx: RouteContext, token: unknown): { job: SimCiJob } | { refusal: Reply } {
  const job = ctx.ci.byJobToken(ctx.params.id as number, token);
  if (!job) return { refusal: FORBIDDEN };
  if (job.status !== 'running')
    return { refusal: { status: 403, body: { message: '403 Forbidden  - Job is not running' } } };
  return { job };
}

function updateJob(ctx: RouteContext): Reply {
  const found = runningJob(ctx, ctx.params.token);
  if ('refusal' in found) return found.refusal;
  const running = found.job;
  const state = ctx.params.state as string | undefined;
  if (state === 'success' || state === 'failed') ctx.ci.finish(running, state);
  return { status: 200, body: '200', headers: { 'job-status': running.status } };
}

function patchTrace(ctx: RouteContext): Reply {
  const found = runningJob(ctx, ctx.headers['job-token']);
  if ('refusal' in found) return found.refusal;
  const running = found.job;
  const raw = ctx.raw ?? '';
  const range = /^(\d+)-(\d+)$/.exec(String(ctx.headers['content-range'] ?? ''));
  const length = Buffer.byteLength(running.trace);
  if (!range || Number(range[1]) !== length)
    return { status: 416, headers: { range: `0-${length}`, 'job-status': running.status } };
  running.trace += raw;
  return {
    status: 202,
    headers: {
      range: `0-${Buffer.byteLength(running.trace)}`,
      'job-status': running.status,
      'x-gitlab-trace-update-interval': '3',
    },
  };
}

export const JOB_REQUEST_ROUTES: Record<string, (ctx: RouteContext) => Reply> = {
  postApiV4JobsRequest: requestJob,
  putApiV4JobsId: updateJob,
  patchApiV4JobsIdTrace: patchTrace,
};
