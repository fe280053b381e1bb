// A GitLab simulator for the runner API, projects' files, commits and pipelines, and the runner's
// job API, started on port 0 from a test (plain HTTP). Every request
// is validated against the fixture (validate.ts), authenticated like GitLab (auth.ts) and served
// from memory (state.ts, routes.ts). Runner tokens are stored hashed; the request log redacts them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults } from '../faults.ts';
import { authorize, usesRunnerToken, type Reply, type SimAccessToken } from './auth.ts';
import { ROUTES } from './routes.ts';
import { GitlabState, type SimJob, type SimRunner } from './state.ts';
import { CiState, type SimPipeline, type SimProject } from './ci-state.ts';
import { parseQuery, validateRequest, type Params } from './validate.ts';

export type { SimAccessToken, TokenScope } from './auth.ts';
export type { SimJob, SimRunner } from './state.ts';
export type { SimCiJob, SimPipeline, SimProject } from './ci-state.ts';

export interface GitlabSimOptions {
  /** Personal access tokens GitLab accepts. Default: one admin token with every runner scope. */
  tokens?: SimAccessToken[];
  /** A runner is `online` while its last contact is younger than this. Default: GitLab's 2 hours. */
  onlineWindowMs?: number;
  /** The instance's runner authentication token expiry; default none (`token_expires_at: null`). */
  runnerTokenExpiresInSeconds?: number;
  /** The simulator's clock (ms since epoch). Default: Date.now. */
  now?: () => number;
  faults?: Faults;
  host?: string;
  port?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query, with any `token` value replaced by [FILTERED]. */
  path: string;
  operationId?: string;
  status: number | 'dropped';
  /** The parsed body, with `token` replaced by [FILTERED]. */
  body?: Params;
}

export interface GitlabSim {
  /** Base URL, e.g. http://127.0.0.1:41234 (gitbeaker's `host`; the API lives under /api/v4). */
  url: string;
  /** The token of the default admin (or the first configured token). */
  token: string;
  tokens: SimAccessToken[];
  faults: Faults;
  /** Snapshot of every runner (no token material is kept in clear, so none is exposed). */
  runners(): SimRunner[];
  requests(): RequestLogEntry[];
  /** Adds a job in `status` (default running) to a runner; returns the job. */
  addJob(runnerId: number, options?: { name?: string; status?: string }): SimJob;
  /** Moves a job to a final status (default success). */
  finishJob(runnerId: number, jobId: number, status?: string): void;
  /** Whether GitLab shows the runner online now (it contacted GitLab within the online window). */
  isOnline(runnerId: number): boolean;
  /** Adds a project with an empty default branch; returns its id. */
  addProject(path: string, defaultBranch?: string): number;
  /** Commits files to a branch of a project, as someone pushing to it would. */
  pushFiles(projectId: number, branch: string, files: Record<string, string>): void;
  /** A project's files on a branch (path -> content). */
  files(projectId: number, branch: string): Record<string, string>;
  /** Every pipeline, with its jobs (a job's token is kept only hashed). */
  pipelines(): SimPipeline[];
  close(): Promise<void>;
}

const DEFAULT_TOKEN: SimAccessToken = {
  token: 'glpat-sim-admin-0000000000',
  scopes: ['create_runner', 'manage_runner', 'read_api'],
  admin: true,
  user: 'root',
};

function redact(params: Params): Params {
  return 'token' in params ? { ...params, token: '[FILTERED]' } : params;
}

/** A job's trace arrives as raw text (PATCH /jobs/:id/trace), not as parameters. */
const RAW_BODY = /^\/api\/v4\/jobs\/\d+\/trace$/;

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(req: IncomingMessage, text: string): Params | 'invalid' {
  if (text.trim() === '') return {};
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded'))
    return parseQuery(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Params) : 'invalid';
  } catch {
    return 'invalid';
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(text);
}

export async function startGitlabSim(options: GitlabSimOptions = {}): Promise<GitlabSim> {
  const tokens = options.tokens ?? [DEFAULT_TOKEN];
  const faults = options.faults ?? new Faults();
  const state = new GitlabState(
    options.now ?? Date.now,
    options.onlineWindowMs ?? 2 * 3600_000,
    options.runnerTokenExpiresInSeconds === undefined ? null : options.runnerTokenExpiresInSeconds * 1000,
  );
  const log: RequestLogEntry[] = [];
  const ci = new CiState(options.now ?? Date.now);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = req.method ?? 'GET';
    const query = parseQuery(url.searchParams);
    const entry: RequestLogEntry = {
      method,
      path: url.pathname + (url.search ? `?${new URLSearchParams(redact(query) as Record<string, string>)}` : ''),
      status: 'dropped',
    };
    log.push(entry);
    // The request is read in full before any injected latency: GitLab goes on with a request
    // whose client gave up waiting, so a create can complete after the client timed out
    // (vendor-behaviour.md 6).
    const raw = await readText(req);
    const body = RAW_BODY.test(url.pathname) ? {} : parseBody(req, raw);
    if (await faults.apply(`${method} ${url.pathname}`, res)) {
      entry.status = res.headersSent ? res.statusCode : 'dropped';
      return;
    }
    if (body === 'invalid')
      return reply({ status: 400, body: { error: '400 Bad request - body is not a JSON object' } });
    entry.body = redact(body);
    const checked = validateRequest(method, url.pathname, query, body);
    if (!checked.ok) return reply({ status: checked.status, body: checked.body });
    entry.operationId = checked.operationId;
    const route = ROUTES[checked.operationId];
    if (!route) return reply({ status: 404, body: { error: '404 Not Found' } });
    let caller: SimAccessToken | undefined;
    if (!usesRunnerToken(checked.operationId)) {
      const auth = authorize(tokens, req.headers['private-token'] as string | undefined, checked.operationId);
      if ('status' in auth) return reply(auth);
      caller = auth;
    }
    reply(route({ state, ci, params: checked.params, caller, url, headers: req.headers, raw }));

    function reply(r: Reply): void {
      entry.status = r.status;
      send(res, r);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) =>
      send(res, { status: 500, body: { message: `500 Internal Server Error - ${String(e)}` } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;

  const runnerOrThrow = (id: number) => {
    const r = state.runners.get(id);
    if (!r) throw new Error(`no runner ${id} in the GitLab simulator`);
    return r;
  };

  const projectOrThrow = (id: number): SimProject => {
    const p = ci.projects.get(id);
    if (!p) throw new Error(`no project ${id} in the GitLab simulator`);
    return p;
  };

  return {
    url: `http://${address}:${port}`,
    token: tokens[0]?.token ?? '',
    tokens,
    faults,
    runners: () => [...state.runners.values()].map((r) => structuredClone(r)),
    requests: () => log.map((e) => structuredClone(e)),
    addJob: (runnerId, o = {}) => ({
      ...state.addJob(runnerOrThrow(runnerId), o.name ?? 'build', o.status ?? 'running'),
    }),
    finishJob: (runnerId, jobId, status = 'success') => {
      const job = runnerOrThrow(runnerId).jobs.find((j) => j.id === jobId);
      if (!job) throw new Error(`no job ${jobId} on runner ${runnerId}`);
      job.status = status;
    },
    isOnline: (runnerId) => {
      const r = state.runners.get(runnerId);
      return r !== undefined && state.online(r);
    },
    addProject: (path, defaultBranch) => ci.addProject(path, defaultBranch).id,
    pushFiles: (projectId, branch, files) => void ci.commit(projectOrThrow(projectId), branch, 'push', files),
    files: (projectId, branch) => Object.fromEntries(projectOrThrow(projectId).branches.get(branch) ?? []),
    pipelines: () => [...ci.pipelines.values()].map((p) => ({ ...p, jobs: p.jobs.map((j) => ({ ...j })) })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
