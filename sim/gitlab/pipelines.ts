// Projects' repository files, the Commits API and pipelines (doc/api/repository_files.md,
// doc/api/commits.md, doc/api/pipelines.md, doc/api/jobs.md), with GitLab's entities and errors.
import type { Reply } from './auth.ts';
import type { SimCiJob, SimPipeline, SimProject } from './ci-state.ts';
import { ciJobs } from './ci-yaml.ts';
import type { RouteContext } from './routes.ts';

const PROJECT_NOT_FOUND: Reply = { status: 404, body: { message: '404 Project Not Found' } };
const base = (ctx: RouteContext) => ctx.url.origin;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const badRequest = (message: string): Reply => ({ status: 400, body: { message: { base: [message] } } });

function withProject(ctx: RouteContext, fn: (p: SimProject) => Reply): Reply {
  const project = ctx.ci.project(String(ctx.params.id));
  return project ? fn(project) : PROJECT_NOT_FOUND;
}

function pipelineEntity(ctx: RouteContext, project: SimProject, p: SimPipeline): Record<string, unknown> {
  return {
    id: p.id,
    iid: p.id,
    project_id: project.id,
    sha: p.sha,
    ref: p.ref,
    status: ctx.ci.status(p),
    source: 'api',
    created_at: iso(p.createdAt),
    web_url: `${base(ctx)}/${project.path}/-/pipelines/${p.id}`,
  };
}

function jobEntity(ctx: RouteContext, project: SimProject, p: SimPipeline, j: SimCiJob): Record<string, unknown> {
  return {
    id: j.id,
    name: j.name,
    stage: j.stage,
    status: j.status,
    ref: p.ref,
    tag_list: j.tags,
    allow_failure: false,
    created_at: iso(j.createdAt),
    started_at: iso(j.startedAt),
    finished_at: iso(j.finishedAt),
    web_url: `${base(ctx)}/${project.path}/-/jobs/${j.id}`,
    pipeline: { id: p.id, project_id: project.id, ref: p.ref, sha: p.sha, status: ctx.ci.status(p) },
    runner: j.runnerId === null ? null : { id: j.runnerId },
    ...(j.status === 'failed' ? { failure_reason: 'script_failure' } : {}),
  };
}

function pipelineOf(ctx: RouteContext, project: SimProject): SimPipeline | undefined {
  const p = ctx.ci.pipelines.get(ctx.params.pipeline_id as number);
  return p?.projectId === project.id ? p : undefined;
}

function readFile(ctx: RouteContext): Reply {
  return withProject(ctx, (project) => {
    const tree = project.branches.get(ctx.params.ref as string);
    const path = decodeURIComponent(ctx.params.file_path as string);
    const content = tree?.get(path);
    if (content === undefined) return { status: 404, body: { message: '404 File Not Found' } };
    return {
      status: 200,
      body: {
        file_name: path.split('/').pop(),
        file_path: path,
        size: Buffer.byteLength(content),
        encoding: 'base64',
        content: Buffer.from(content).toString('base64'),
        ref: ctx.params.ref,
        last_commit_id: ctx.ci.headOf(project, ctx.params.ref as string),
      },
    };
  });
}

function commit(ctx: RouteContext): Reply {
  return withProject(ctx, (project) => {
    const branch = ctx.params.branch as string;
    const tree = project.branches.get(branch);
    if (!tree) return { status: 400, body: { message: 'You can only create or edit files when you are on a branch' } };
    const files: Record<string, string> = {};
    for (const raw of ctx.params.actions as Record<string, unknown>[]) {
      const { action, file_path: path, content } = raw;
      if (typeof path !== 'string' || typeof content !== 'string')
        return { status: 400, body: { error: 'actions[file_path] is missing' } };
      if (action === 'create' && tree.has(path))
        return { status: 400, body: { message: 'A file with this name already exists' } };
      if (action === 'update' && !tree.has(path))
        return { status: 400, body: { message: "A file with this name doesn't exist" } };
      if (action !== 'create' && action !== 'update')
        return { status: 400, body: { error: 'actions[action] does not have a valid value' } };
      files[path] = content;
    }
    const id = ctx.ci.commit(project, branch, ctx.params.commit_message as string, files);
    return {
      status: 201,
      body: { id, short_id: id.slice(0, 8), title: ctx.params.commit_message, message: ctx.params.commit_message },
    };
  });
}

function createPipeline(ctx: RouteContext): Reply {
  return withProject(ctx, (project) => {
    const ref = ctx.params.ref as string;
    const tree = project.branches.get(ref);
    if (!tree) return badRequest('Reference not found');
    const root = tree.get('.gitlab-ci.yml');
    if (root === undefined) return badRequest('Missing CI config file');
    const variables: Record<string, string> = {};
    for (const v of (ctx.params.variables as Record<string, unknown>[] | undefined) ?? []) {
      if (typeof v.key !== 'string' || v.value === undefined)
        return { status: 400, body: { error: 'variables is invalid' } };
      variables[v.key] = String(v.value);
    }
    const jobs = ciJobs(root, (path) => tree.get(path) ?? null, variables);
    if (!jobs.ok) return badRequest(jobs.error);
    const pipeline = ctx.ci.createPipeline(project, ref, variables, jobs.jobs);
    return { status: 201, body: pipelineEntity(ctx, project, pipeline) };
  });
}

export const PIPELINE_ROUTES: Record<string, (ctx: RouteContext) => Reply> = {
  getApiV4ProjectsIdRepositoryFilesFilePath: readFile,
  postApiV4ProjectsIdRepositoryCommits: commit,
  postApiV4ProjectsIdPipeline: createPipeline,
  getApiV4ProjectsIdPipelinesPipelineId: (ctx) =>
    withProject(ctx, (project) => {
      const p = pipelineOf(ctx, project);
      return p
        ? { status: 200, body: pipelineEntity(ctx, project, p) }
        : { status: 404, body: { message: '404 Not found' } };
    }),
  getApiV4ProjectsIdPipelinesPipelineIdJobs: (ctx) =>
    withProject(ctx, (project) => {
      const p = pipelineOf(ctx, project);
      if (!p) return { status: 404, body: { message: '404 Not found' } };
      const scope = ctx.params.scope as string[] | undefined;
      const jobs = p.jobs.filter((j) => scope === undefined || scope.includes(j.status));
      // GitLab lists a pipeline's jobs newest first.
      return { status: 200, body: [...jobs].reverse().map((j) => jobEntity(ctx, project, p, j)) };
    }),
};
