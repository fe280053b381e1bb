// Every failure runnerbot reports carries a stable string code. The core returns errors as
// values; adapters turn them into HTTP statuses, Slack text or exit codes in one place each.

export type ErrorCode =
  | 'CONFIG.INVALID'
  | 'COMMAND.USAGE'
  | 'COMMAND.UNKNOWN'
  | 'RUNNER.NAME_INVALID'
  | 'RUNNER.NOT_FOUND'
  | 'RUNNER.NOT_OURS'
  | 'RUNNER.BUSY'
  | 'RUNNER.SPEC_CHANGE'
  | 'SPEC.INVALID'
  | 'PROFILE.UNKNOWN'
  | 'AUTH.FORBIDDEN'
  | 'APPROVAL.SELF'
  | 'APPROVAL.NOT_APPROVER'
  | 'APPROVAL.EXPIRED'
  | 'APPROVAL.DECIDED'
  | 'RUN.NOT_FOUND'
  | 'QUEUE.UNAVAILABLE'
  | 'STEP.TRANSIENT'
  | 'STEP.UNRECOVERABLE'
  | 'STEP.TIMEOUT'
  | 'LOCK.LOST'
  | 'PROXMOX.FORBIDDEN'
  | 'PROXMOX.TEMPLATE_MISSING'
  | 'PROXMOX.TASK_FAILED'
  | 'PROXMOX.LAYOUT'
  | 'GITLAB.FORBIDDEN'
  | 'VALIDATION.FAILED'
  | 'VALIDATION.TIMEOUT'
  | 'VALIDATION.NOT_CONFIGURED'
  | 'SSH.UNREACHABLE'
  | 'LOCAL.FILE_ACCESS'
  | 'REMOTE.PHASE_FAILED'
  | 'ALERT.PAYLOAD_INVALID';

export interface RunnerbotErrorShape {
  code: ErrorCode;
  message: string;
}

/** An error with a code. `transient` says whether trying again later can succeed. */
export class RunnerbotError extends Error implements RunnerbotErrorShape {
  readonly code: ErrorCode;
  readonly transient: boolean;

  constructor(code: ErrorCode, message: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RunnerbotError';
    this.code = code;
    this.transient = options.transient ?? false;
  }
}

export const transient = (code: ErrorCode, message: string, cause?: unknown): RunnerbotError =>
  new RunnerbotError(code, message, { transient: true, cause });

export const permanent = (code: ErrorCode, message: string, cause?: unknown): RunnerbotError =>
  new RunnerbotError(code, message, { transient: false, cause });

export const isRunnerbotError = (e: unknown): e is RunnerbotError => e instanceof RunnerbotError;

/** The one way to ask what an error is: a RunnerbotError with this code (anything else is not). */
export const hasCode = (e: unknown, code: ErrorCode): e is RunnerbotError => isRunnerbotError(e) && e.code === code;

/**
 * What a failure means for a run. Adapters turn their vendor's failures into RunnerbotErrors and
 * say which are transient; anything else is a mistake no retry can fix, so it is permanent.
 */
export function asRunnerbotError(error: unknown): RunnerbotError {
  if (isRunnerbotError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return permanent('STEP.UNRECOVERABLE', message, error);
}

/** The result type of pure core functions that can refuse their input. */
export type Result<T, E = RunnerbotErrorShape> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = RunnerbotErrorShape>(error: E): Result<never, E> => ({ ok: false, error });
