// Do the privileges a guide grants (its `pveum role add NAME --privs "…"` lines) pass the
// permission checks of every Proxmox endpoint runnerbot calls — the checks the simulator enforces,
// from the PVE schema fixture (`perm`, `and`, `or`, `any`)?
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeItem } from './markdown.ts';
import { REPO } from './source-text.ts';

type Check = unknown[];

export function grantedPrivileges(items: CodeItem[]): Set<string> {
  const granted = items.flatMap((item) => /^pveum role add \S+ --privs "([^"]+)"/.exec(item.text)?.[1]?.split(/\s+/) ?? []);
  return new Set(granted);
}

function passes(check: Check, granted: Set<string>): boolean {
  const [op, ...args] = check;
  if (op === 'and') return args.every((sub) => passes(sub as Check, granted));
  if (op === 'or') return args.some((sub) => passes(sub as Check, granted));
  if (op !== 'perm') return true;
  const [, privileges, ...options] = args as [string, string[], ...unknown[]];
  return options.includes('any') ? privileges.some((p) => granted.has(p)) : privileges.every((p) => granted.has(p));
}

/** Each endpoint of the fixture whose check the granted privileges fail, with what it asks for. */
export function refusedEndpoints(granted: Set<string>): string[] {
  const fixture = JSON.parse(readFileSync(join(REPO, 'sim/proxmox/pve-schema.json'), 'utf8')) as {
    endpoints: Record<string, { permissions?: { check?: Check } }>;
  };
  return Object.entries(fixture.endpoints)
    .filter(([, endpoint]) => endpoint.permissions?.check && !passes(endpoint.permissions.check, granted))
    .map(([key, endpoint]) => `${key} needs ${JSON.stringify(endpoint.permissions!.check)}`);
}
