// proxmox-api reports every failure as a plain Error whose message holds the HTTP status, the
// status text and the JSON body. This reads them back and turns them into coded errors: a refused
// token is permanent and says so, 5xx/timeouts/resets/locks are transient, a 400 names the
// parameters Proxmox rejected.
import { permanent, transient } from '../../core/errors.ts';
import type { RunnerbotError } from '../../core/errors.ts';

export interface PveFailure {
  /** Undefined when no HTTP answer arrived (timeout, reset, refused). */
  status?: number;
  message: string;
  errors?: Record<string, string>;
}

const WITH_BODY = [/ return Error (\d{3}) (.*?): (\{.*\})$/s, / connection failed with (\d{3}) (.*?) return: (\{.*\})$/s];
const TRANSIENT_MESSAGE = /VM is locked|can't lock file|got timeout|try again/i;

export function parseFailure(error: unknown): PveFailure {
  const text = error instanceof Error ? error.message : String(error);
  for (const pattern of WITH_BODY) {
    const match = pattern.exec(text);
    if (!match) continue;
    let body: { message?: unknown; errors?: unknown } = {};
    try {
      body = JSON.parse(match[3]!) as typeof body;
    } catch {
      // the status line still says what happened
    }
    const message = typeof body.message === 'string' && body.message.trim() ? body.message.trim() : match[2]!.trim();
    const errors = body.errors && typeof body.errors === 'object' ? (body.errors as Record<string, string>) : undefined;
    return { status: Number(match[1]), message, ...(errors ? { errors } : {}) };
  }
  const statusLine = /status Line:(\d{3})/.exec(text);
  if (statusLine) return { status: Number(statusLine[1]), message: `HTTP ${statusLine[1]} without a Proxmox answer` };
  const cause = /cause by:(.*)$/s.exec(text)?.[1]?.trim();
  return { message: cause ? `no answer (${cause})` : text };
}

export function toRunnerbotError(failure: PveFailure, action: string, tokenId: string, cause: unknown): RunnerbotError {
  const { status, message } = failure;
  if (status === 401) {
    return permanent('PROXMOX.FORBIDDEN', `Proxmox refused the API token ${tokenId} (${message}) while trying to ${action}; check the token id and its secret`, cause);
  }
  if (status === 403) {
    return permanent('PROXMOX.FORBIDDEN', `Proxmox API token ${tokenId} may not ${action}: ${message}; grant that privilege to the token (and its user, if privilege separation is on)`, cause);
  }
  if (status === 400) {
    const details = Object.entries(failure.errors ?? {}).map(([param, text]) => `${param}: ${text.trim()}`).join('; ');
    return permanent('STEP.UNRECOVERABLE', `Proxmox rejected the parameters to ${action}: ${details || message}`, cause);
  }
  if (status === undefined || status >= 500 || TRANSIENT_MESSAGE.test(message)) {
    return transient('STEP.TRANSIENT', `Proxmox could not ${action}: ${status ?? ''} ${message}`.replace(/: +/, ': '), cause);
  }
  return permanent('STEP.UNRECOVERABLE', `Proxmox could not ${action}: ${status} ${message}`, cause);
}
