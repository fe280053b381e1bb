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

const WITH_BODY = [
  / return Error (\d{3}) (.*?): (\{.*\})$/s,
  / connection failed with (\d{3}) (.*?) return: (\{.*\})$/s,
];
const TRANSIENT_MESSAGE = /VM is locked|can't lock file|got timeout|try again/i;

/** Refusals of the cluster's layout: retrying changes nothing, the configuration must. */
const LAYOUT_REFUSALS: Array<[RegExp, string]> = [
  [
    /can't clone to non-shared storage '([^']+)'/,
    'a clone to another node needs shared storage: give that node its own template (proxmox.templates: {node: vmid}), or set proxmox.storage to shared storage, or remove the node from proxmox.nodes',
  ],
  [
    /can't clone VM to node '([^']+)' \(VM uses local storage\)/,
    "the template's disks are on local storage: give that node its own template (proxmox.templates: {node: vmid}), or set proxmox.storage to shared storage, or remove the node from proxmox.nodes",
  ],
  [
    /storage '([^']+)' (does not exist|is not available on node)/,
    'set proxmox.storage to a storage that exists on every node in proxmox.nodes (`pvesm status` lists them)',
  ],
  [
    /bridge '([^']+)' does not exist/,
    'set proxmox.bridge to a bridge every node has, or create it on the node (`ip link` / `/etc/network/interfaces`)',
  ],
  [/pool '([^']+)' does not exist/, 'create it (`pveum pool add NAME`) or set proxmox.pool to an existing pool'],
  [/parameter 'storage' not allowed for linked clones/, 'set proxmox.fullClone: true, or remove proxmox.storage'],
];

/** The fix for a refusal of the cluster's layout, or undefined when the message is no such refusal. */
export function layoutFix(message: string): string | undefined {
  return LAYOUT_REFUSALS.find(([pattern]) => pattern.test(message))?.[1];
}

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
    return permanent(
      'PROXMOX.FORBIDDEN',
      `Proxmox refused the API token ${tokenId} (${message}) while trying to ${action}; check the token id and its secret`,
      cause,
    );
  }
  if (status === 403) {
    return permanent(
      'PROXMOX.FORBIDDEN',
      `Proxmox API token ${tokenId} may not ${action}: ${message}; grant that privilege to the token (and its user, if privilege separation is on)`,
      cause,
    );
  }
  if (status === 400) {
    const details = Object.entries(failure.errors ?? {})
      .map(([param, text]) => `${param}: ${text.trim()}`)
      .join('; ');
    return permanent(
      'STEP.UNRECOVERABLE',
      `Proxmox rejected the parameters to ${action}: ${details || message}`,
      cause,
    );
  }
  const fix = layoutFix(message);
  if (fix !== undefined) return permanent('PROXMOX.LAYOUT', `Proxmox refused to ${action}: ${message}; ${fix}`, cause);
  if (status === undefined || status >= 500 || TRANSIENT_MESSAGE.test(message)) {
    return transient(
      'STEP.TRANSIENT',
      `Proxmox could not ${action}: ${status ?? ''} ${message}`.replace(/: +/, ': '),
      cause,
    );
  }
  return permanent('STEP.UNRECOVERABLE', `Proxmox could not ${action}: ${status} ${message}`, cause);
}
