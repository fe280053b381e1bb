// API token authentication (`Authorization: PVEAPIToken=user@realm!tokenid=secret`) and the
// permission checks of the schema (`perm`, `and`, `or`, `any`, `require_param`).
import { PveError } from './errors.ts';
import type { Endpoint } from './schema.ts';

export interface SimToken {
  /** `user@realm!tokenid` */
  id: string;
  /** A lowercase UUID, as Proxmox issues them. */
  secret: string;
  /** Privileges granted on `/` (propagated); 'all' for an administrator token. Default 'all'. */
  privileges?: 'all' | string[];
}

export function authenticate(tokens: SimToken[], header: string | undefined): SimToken {
  const match = /^PVEAPIToken=([^=\s]+)=(\S+)$/.exec(header ?? '');
  if (!match) throw new PveError(401, 'No ticket');
  const [, id, secret] = match;
  const token = tokens.find((t) => t.id === id);
  if (!token) {
    const [user, name] = id!.split('!');
    throw new PveError(401, `no such token '${name}' for user '${user}'`);
  }
  if (token.secret !== secret) throw new PveError(401, 'invalid token value!');
  return token;
}

export const hasPrivilege = (token: SimToken, privilege: string): boolean =>
  token.privileges === undefined || token.privileges === 'all' || token.privileges.includes(privilege);

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);

/** The first failing check's text (e.g. `/vms/100, VM.Clone`), or null when allowed. */
function failure(check: unknown[], token: SimToken, params: Record<string, string>): string | null {
  const [op, ...args] = check;
  if (op === 'and') {
    for (const sub of args) {
      const failed = failure(sub as unknown[], token, params);
      if (failed) return failed;
    }
    return null;
  }
  if (op === 'or') {
    const failures = args.map((sub) => failure(sub as unknown[], token, params));
    return failures.includes(null) ? null : failures[0]!;
  }
  if (op !== 'perm') return null;
  const [path, privileges, ...options] = args as [string, string[], ...unknown[]];
  const requiredParam = options[options.indexOf('require_param') + 1];
  const target = fill(path, params);
  if (options.includes('require_param') && params[requiredParam as string] === undefined) return `${target}, ${privileges.join('|')}`;
  const any = options.includes('any');
  const missing = privileges.filter((p) => !hasPrivilege(token, p));
  if (any ? missing.length < privileges.length : missing.length === 0) return null;
  return `${target}, ${any ? privileges.join('|') : missing[0]}`;
}

export function authorize(endpoint: Endpoint, token: SimToken, params: Record<string, string>): void {
  if (endpoint.allowtoken === 0) throw new PveError(403, 'Permission check failed (API tokens are not allowed)');
  const check = endpoint.permissions?.check;
  const failed = check ? failure(check, token, params) : null;
  if (failed) throw new PveError(403, `Permission check failed (${failed})\n`);
}
