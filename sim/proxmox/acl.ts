// Path-based permissions as pve-access-control computes them: ACL entries grant privileges on a
// path (`/`, `/vms/100`, `/pool/runners`, `/storage/local-lvm`, `/sdn/zones/localnetwork/vmbr0`,
// `/nodes/pve1`); the deepest path with an entry for the token decides, entries on a parent path
// count only when they propagate; a VM or storage in a pool also gets what `/pool/{pool}` grants.
import type { ClusterState } from './state.ts';

export interface AclEntry {
  path: string;
  privileges: string[];
  /** Default true, as `pveum acl modify` sets it. */
  propagate?: boolean;
}

export interface TokenGrants {
  /** Privileges granted on `/` (propagated); 'all' for an administrator token. Default 'all'. */
  privileges?: 'all' | string[];
  /** Grants on other paths. */
  acl?: AclEntry[];
}

/** Every privilege Proxmox VE 8/9 knows that the runnerbot tests can meet. */
export const ALL_PRIVILEGES = [
  'Datastore.Allocate',
  'Datastore.AllocateSpace',
  'Datastore.AllocateTemplate',
  'Datastore.Audit',
  'Pool.Allocate',
  'Pool.Audit',
  'SDN.Allocate',
  'SDN.Audit',
  'SDN.Use',
  'Sys.Audit',
  'Sys.Console',
  'Sys.Modify',
  'Sys.PowerMgmt',
  'Sys.Syslog',
  'VM.Allocate',
  'VM.Audit',
  'VM.Backup',
  'VM.Clone',
  'VM.Config.CDROM',
  'VM.Config.CPU',
  'VM.Config.Cloudinit',
  'VM.Config.Disk',
  'VM.Config.HWType',
  'VM.Config.Memory',
  'VM.Config.Network',
  'VM.Config.Options',
  'VM.Console',
  'VM.GuestAgent.Audit',
  'VM.GuestAgent.Unrestricted',
  'VM.Migrate',
  'VM.PowerMgmt',
  'VM.Snapshot',
];

const parentsOf = (path: string): string[] => {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, parts.length - 1 - i).join('/')}`.replace(/\/$/, '') || '/');
};

function entries(grants: TokenGrants): AclEntry[] {
  const root = grants.privileges === undefined || grants.privileges === 'all' ? ALL_PRIVILEGES : grants.privileges;
  return [{ path: '/', privileges: root }, ...(grants.acl ?? [])];
}

/** The privileges the ACL alone gives on `path` (deepest entry wins, parents only when propagated). */
function onPath(grants: TokenGrants, path: string): Set<string> {
  const all = entries(grants);
  const exact = all.filter((e) => e.path === path);
  if (exact.length > 0) return new Set(exact.flatMap((e) => e.privileges));
  for (const parent of parentsOf(path)) {
    const found = all.filter((e) => e.path === parent);
    if (found.length > 0) return new Set(found.filter((e) => e.propagate !== false).flatMap((e) => e.privileges));
  }
  return new Set();
}

/** The pool a path's object belongs to (`/vms/{vmid}` of a pooled VM), if any. */
function poolOf(state: ClusterState, path: string): string | undefined {
  const vmid = /^\/vms\/(\d+)$/.exec(path)?.[1];
  return vmid === undefined ? undefined : state.vms.get(Number(vmid))?.pool;
}

export function privilegesOn(state: ClusterState, grants: TokenGrants, path: string): Set<string> {
  const privileges = onPath(grants, path);
  const pool = poolOf(state, path);
  if (pool !== undefined) for (const p of onPath(grants, `/pool/${pool}`)) privileges.add(p);
  return privileges;
}

export const hasPrivilegeOn = (state: ClusterState, grants: TokenGrants, path: string, privilege: string): boolean =>
  privilegesOn(state, grants, path).has(privilege);

/** `GET /access/permissions`: path -> privilege -> 1 (propagated) for the paths the token has rights on. */
export function permissionsMap(
  state: ClusterState,
  grants: TokenGrants,
  only?: string,
): Record<string, Record<string, number>> {
  const paths = new Set<string>(only !== undefined ? [only] : entries(grants).map((e) => e.path));
  if (only === undefined) for (const vm of state.vms.values()) if (vm.pool !== undefined) paths.add(`/vms/${vm.vmid}`);
  const out: Record<string, Record<string, number>> = {};
  for (const path of paths) {
    const privileges = privilegesOn(state, grants, path);
    if (privileges.size > 0) out[path] = Object.fromEntries([...privileges].sort().map((p) => [p, 1]));
  }
  return out;
}
