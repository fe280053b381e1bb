// Turns what @gitbeaker/rest throws into RunnerbotErrors. Gitbeaker's errors carry the Request
// (whose headers hold PRIVATE-TOKEN) in `cause`: nothing of it is kept, and every message is
// scrubbed of the configured token and of anything shaped like a GitLab token.
import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { permanent, transient, type RunnerbotError } from '../../core/errors.ts';

const TOKEN_SHAPES = /\b(glrt|glpat|gldt|glcbt|glptt|glft|glsoat|glrtr)-[A-Za-z0-9_.-]+/g;

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_SHAPES, '[REDACTED]');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}

export interface Attempt {
  /** What runnerbot was doing, e.g. "create a runner". */
  action: string;
  /** The token scope that grants it, named in the 403 message. */
  scope: string;
}

export function statusOf(e: unknown): number | undefined {
  if (!(e instanceof GitbeakerRequestError)) return undefined;
  const response = (e.cause as { response?: { status?: number } } | undefined)?.response;
  return response?.status;
}

export function toRunnerbotError(e: unknown, attempt: Attempt, secrets: readonly string[]): RunnerbotError {
  const what = `GitLab: could not ${attempt.action}`;
  if (e instanceof GitbeakerTimeoutError) return transient('STEP.TRANSIENT', `${what}: the request timed out`);
  if (e instanceof GitbeakerRetryError) return transient('STEP.TRANSIENT', `${what}: ${scrub(e.message, secrets)}`);
  const status = statusOf(e);
  if (status === undefined) {
    const code = (e as { cause?: { code?: string } })?.cause?.code;
    return transient('STEP.TRANSIENT', `${what}: GitLab is unreachable${code ? ` (${code})` : ''}`);
  }
  const said = scrub((e as Error).message || String(status), secrets);
  if (status === 401) {
    return permanent(
      'GITLAB.FORBIDDEN',
      `${what}: GitLab rejected the token (${said}); check that GITLAB_TOKEN holds a valid, unexpired access token`,
    );
  }
  if (status === 403) {
    return permanent(
      'GITLAB.FORBIDDEN',
      `${what}: GitLab refused (${said}); the token needs the ${attempt.scope} scope and its user the rights on the runner's instance, group or project`,
    );
  }
  if (status === 408 || status === 429 || status >= 500)
    return transient('STEP.TRANSIENT', `${what}: GitLab answered ${status} (${said})`);
  return permanent('STEP.UNRECOVERABLE', `${what}: GitLab answered ${status} (${said})`);
}
