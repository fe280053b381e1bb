// Personal access tokens and scopes, as GitLab checks them for the runner endpoints
// (lib/api/user_runners.rb, lib/api/ci/runners.rb): `create_runner` only for POST /user/runners,
// `manage_runner` only for /runners/:id routes, `api` for everything, `read_api` for reads.
// Runner endpoints (/runners/verify, /jobs/request) authenticate with the runner token in the body
// instead, and a running job's calls with the job token.

export type TokenScope = 'api' | 'read_api' | 'create_runner' | 'manage_runner' | 'read_user' | 'admin_mode';

export interface SimAccessToken {
  token: string;
  scopes: TokenScope[];
  /** An instance administrator (may create instance runners and list /runners/all). */
  admin?: boolean;
  /** The user the token belongs to; runners are owned by their creator. Default: "root". */
  user?: string;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export const UNAUTHORIZED: Reply = { status: 401, body: { message: '401 Unauthorized' } };
export const FORBIDDEN: Reply = { status: 403, body: { message: '403 Forbidden' } };
export const forbidden = (reason: string): Reply => ({ status: 403, body: { message: `403 Forbidden - ${reason}` } });

/** The scopes that grant each operation (any one suffices); null means runner-token auth. */
const GRANTING: Record<string, TokenScope[] | null> = {
  postApiV4UserRunners: ['api', 'create_runner'],
  getApiV4Runners: ['api', 'read_api'],
  getApiV4RunnersAll: ['api', 'read_api'],
  getApiV4RunnersId: ['api', 'read_api', 'manage_runner'],
  putApiV4RunnersId: ['api', 'manage_runner'],
  deleteApiV4RunnersId: ['api', 'manage_runner'],
  getApiV4RunnersIdJobs: ['api', 'read_api', 'manage_runner'],
  postApiV4RunnersIdResetAuthenticationToken: ['api', 'manage_runner'],
  postApiV4RunnersVerify: null,
  getApiV4ProjectsIdRepositoryFilesFilePath: ['api', 'read_api'],
  postApiV4ProjectsIdRepositoryCommits: ['api'],
  postApiV4ProjectsIdPipeline: ['api'],
  getApiV4ProjectsIdPipelinesPipelineId: ['api', 'read_api'],
  getApiV4ProjectsIdPipelinesPipelineIdJobs: ['api', 'read_api'],
  // The runner's job API: the runner token (jobs/request) or the job's token.
  postApiV4JobsRequest: null,
  putApiV4JobsId: null,
  patchApiV4JobsIdTrace: null,
};

export function usesRunnerToken(operationId: string): boolean {
  return GRANTING[operationId] === null;
}

/** Returns the caller, or the reply GitLab gives instead (401 for a bad token, 403 for a missing scope). */
export function authorize(
  tokens: SimAccessToken[],
  header: string | undefined,
  operationId: string,
): SimAccessToken | Reply {
  const caller = header ? tokens.find((t) => t.token === header) : undefined;
  if (!caller) return UNAUTHORIZED;
  const granting = GRANTING[operationId] ?? [];
  if (caller.scopes.some((s) => granting.includes(s))) return caller;
  return {
    status: 403,
    body: {
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: granting.join(' '),
    },
  };
}
