// API token authentication (`Authorization: PVEAPIToken=user@realm!tokenid=secret`) and the
// permission checks of the schema (`perm`, `and`, `or`, `any`, `require_param`), on ACL paths.
import { hasPrivilegeOn } from './acl.ts';
import type { TokenGrants } from './acl.ts';
import { PveError } from './errors.ts';
import type { Endpoint } from './schema.ts';
import type { ClusterState } from './state.ts';

export interface SimToken extends TokenGrants {
  /** `user@realm!tokenid` */
  id: string;
  /** A lowercase UUID, as Proxmox issues them. */
  secret: string;
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

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);

/** The first failing check's text (e.g. `/vms/100, VM.Clone`), or null when allowed. */
function failure(
  state: ClusterState,
  check: unknown[],
  token: SimToken,
  params: Record<string, string>,
): string | null {
  const [op, ...args] = check;
  if (op === 'and') {
    for (const sub of args) {
      const failed = failure(state, sub as unknown[], token, params);
      if (failed) return failed;
    }
    return null;
  }
  if (op === 'or') {
    const failures = args.map((sub) => failure(state, sub as unknown[], token, params));
    return failures.includes(null) ? null : failures[0]!;
  }
  if (op !== 'perm') return null;
  const [path, privileges, ...options] = args as [string, string[], ...unknown[]];
  const requiredParam = options[options.indexOf('require_param') + 1];
  const target = fill(path, params);
  if (options.includes('require_param') && params[requiredParam as string] === undefined)
    return `${target}, ${privileges.join('|')}`;
  const any = options.includes('any');
  const missing = privileges.filter((p) => !hasPrivilegeOn(state, token, target, p));
  if (any ? missing.length < privileges.length : missing.length === 0) return null;
  return `${target}, ${any ? privileges.join('|') : missing[0]}`;
}

export function authorize(
  state: ClusterState,
  endpoint: Endpoint,
  token: SimToken,
  params: Record<string, string>,
): void {
  if (endpoint.allowtoken === 0) throw new PveError(403, 'Permission check failed (API tokens are not allowed)');
  const check = endpoint.permissions?.check;
  const failed = check ? failure(state, check, token, params) : null;
  if (failed) throw new PveError(403, `Permission check failed (${failed})\n`);
}

/** A check qemu-server or pvestatd makes in its own code, beyond the schema's `check`. */
export function requirePrivilege(state: ClusterState, token: SimToken, path: string, privilege: string): void {
  if (!hasPrivilegeOn(state, token, path, privilege))
    throw new PveError(403, `Permission check failed (${path}, ${privilege})\n`);
}
