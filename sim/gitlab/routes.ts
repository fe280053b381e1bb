// One handler per GitLab operation. Inputs are already validated against the fixture and the
// caller authorized; handlers apply GitLab's permission rules and answer with its entities.
import type { IncomingHttpHeaders } from 'node:http';
import type { Reply, SimAccessToken } from './auth.ts';
import { FORBIDDEN, forbidden } from './auth.ts';
import type { CiState } from './ci-state.ts';
import { JOB_REQUEST_ROUTES } from './job-requests.ts';
import { PIPELINE_ROUTES } from './pipelines.ts';
import type { GitlabState, RunnerType, SimRunner } from './state.ts';
import type { Params } from './validate.ts';

export interface RouteContext {
  state: GitlabState;
  params: Params;
  /** The token's owner; absent on runner-token routes. */
  caller?: SimAccessToken;
  /** Base URL of the request, for pagination links. */
  url: URL;
  /** Projects, pipelines and CI jobs (pipelines.ts, job-requests.ts). */
  ci: CiState;
  headers: IncomingHttpHeaders;
  /** The body as sent, for routes that take raw text (a job's trace). */
  raw?: string;
}

const RUNNER_NOT_FOUND: Reply = { status: 404, body: { message: '404 Runner Not Found' } };
const userOf = (t: SimAccessToken | undefined) => t?.user ?? 'root';

function canManage(ctx: RouteContext, r: SimRunner): boolean {
  return ctx.caller?.admin === true || userOf(ctx.caller) === r.owner;
}

/** Finds `params.id` and checks access; read access to instance runners is open to every user. */
function withRunner(ctx: RouteContext, write: boolean, fn: (r: SimRunner) => Reply): Reply {
  const r = ctx.state.runners.get(ctx.params.id as number);
  if (!r) return RUNNER_NOT_FOUND;
  if (!canManage(ctx, r) && (write || r.runnerType !== 'instance_type')) return forbidden('No access granted');
  return fn(r);
}

function paginate(ctx: RouteContext, items: unknown[]): Reply {
  const perPage = Math.min(Math.max((ctx.params.per_page as number | undefined) ?? 20, 1), 100);
  const page = Math.max((ctx.params.page as number | undefined) ?? 1, 1);
  const totalPages = Math.max(Math.ceil(items.length / perPage), 1);
  const headers: Record<string, string> = {
    'x-total': String(items.length),
    'x-total-pages': String(totalPages),
    'x-per-page': String(perPage),
    'x-page': String(page),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
  };
  if (page < totalPages) {
    const next = new URL(ctx.url);
    next.searchParams.set('page', String(page + 1));
    next.searchParams.set('per_page', String(perPage));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers };
}

function filterRunners(ctx: RouteContext, runners: SimRunner[]): SimRunner[] {
  const {
    type,
    status,
    paused,
    tag_list: tags,
  } = ctx.params as { type?: string; status?: string; paused?: boolean; tag_list?: string[] };
  return runners.filter(
    (r) =>
      (type === undefined || r.runnerType === type) &&
      (paused === undefined || r.paused === paused) &&
      (status === undefined ||
        (status === 'paused' ? r.paused : status === 'active' ? !r.paused : ctx.state.status(r) === status)) &&
      (tags === undefined || tags.every((t) => r.tagList.includes(t))),
  );
}

function createRunner(ctx: RouteContext): Reply {
  const p = ctx.params;
  const runnerType = p.runner_type as RunnerType;
  if (runnerType === 'instance_type' && !ctx.caller?.admin) return forbidden('Insufficient permissions');
  const { runner, token, tokenExpiresAt } = ctx.state.create({
    runnerType,
    groupId: runnerType === 'group_type' ? (p.group_id as number) : null,
    projectId: runnerType === 'project_type' ? (p.project_id as number) : null,
    owner: userOf(ctx.caller),
    description: (p.description as string | undefined) ?? '',
    tagList: (p.tag_list as string[] | undefined) ?? [],
    paused: (p.paused as boolean | undefined) ?? false,
    locked: (p.locked as boolean | undefined) ?? false,
    runUntagged: (p.run_untagged as boolean | undefined) ?? true,
    accessLevel: (p.access_level as string | undefined) ?? 'not_protected',
    maximumTimeout: (p.maximum_timeout as number | undefined) ?? null,
    maintenanceNote: (p.maintenance_note as string | undefined) ?? null,
  });
  return { status: 201, body: { id: runner.id, token, token_expires_at: tokenExpiresAt } };
}

function updateRunner(ctx: RouteContext, r: SimRunner): Reply {
  const p = ctx.params;
  if (p.description !== undefined) r.description = p.description as string;
  if (p.paused !== undefined) r.paused = p.paused as boolean;
  if (p.active !== undefined) r.paused = !(p.active as boolean);
  if (p.tag_list !== undefined) r.tagList = p.tag_list as string[];
  if (p.run_untagged !== undefined) r.runUntagged = p.run_untagged as boolean;
  if (p.locked !== undefined) r.locked = p.locked as boolean;
  if (p.access_level !== undefined) r.accessLevel = p.access_level as string;
  if (p.maximum_timeout !== undefined) r.maximumTimeout = p.maximum_timeout as number;
  if (p.maintenance_note !== undefined) r.maintenanceNote = p.maintenance_note as string;
  return { status: 200, body: ctx.state.details(r) };
}

export const ROUTES: Record<string, (ctx: RouteContext) => Reply> = {
  ...PIPELINE_ROUTES,
  ...JOB_REQUEST_ROUTES,
  postApiV4UserRunners: createRunner,
  getApiV4Runners: (ctx) => {
    const owned = [...ctx.state.runners.values()].filter(
      (r) => r.runnerType !== 'instance_type' && r.owner === userOf(ctx.caller),
    );
    return paginate(
      ctx,
      filterRunners(ctx, owned).map((r) => ctx.state.entity(r)),
    );
  },
  getApiV4RunnersAll: (ctx) =>
    ctx.caller?.admin
      ? paginate(
          ctx,
          filterRunners(ctx, [...ctx.state.runners.values()]).map((r) => ctx.state.entity(r)),
        )
      : FORBIDDEN,
  getApiV4RunnersId: (ctx) => withRunner(ctx, false, (r) => ({ status: 200, body: ctx.state.details(r) })),
  putApiV4RunnersId: (ctx) => withRunner(ctx, true, (r) => updateRunner(ctx, r)),
  deleteApiV4RunnersId: (ctx) =>
    withRunner(ctx, true, (r) => {
      ctx.state.remove(r.id);
      return { status: 204 };
    }),
  getApiV4RunnersIdJobs: (ctx) =>
    withRunner(ctx, false, (r) => {
      const jobs = r.jobs.filter((j) => ctx.params.status === undefined || j.status === ctx.params.status);
      const ordered = ctx.params.sort === 'asc' ? jobs : [...jobs].reverse();
      return paginate(
        ctx,
        ordered.map((j) => ctx.state.job(r, j)),
      );
    }),
  postApiV4RunnersIdResetAuthenticationToken: (ctx) =>
    withRunner(ctx, true, (r) => {
      const { token, tokenExpiresAt } = ctx.state.resetToken(r);
      return { status: 201, body: { token, token_expires_at: tokenExpiresAt } };
    }),
  postApiV4RunnersVerify: (ctx) => {
    const r = ctx.state.byToken(ctx.params.token);
    if (!r) return FORBIDDEN;
    r.contactedAt = ctx.state.now();
    return { status: 200, body: '200', headers: { 'content-type': 'text/plain' } };
  },
};
