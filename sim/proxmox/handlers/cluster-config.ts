// Storage, bridges, pools and the token's own permissions: GET /storage, /nodes/{node}/storage,
// /nodes/{node}/network, /pools, /access/permissions. Lists show only what the token may see.
import { hasPrivilegeOn, permissionsMap } from '../acl.ts';
import { PveError } from '../errors.ts';
import type { Handler, HandlerContext, SimRuntime } from '../runtime.ts';
import type { SimStorage } from '../state.ts';

const visible = (rt: SimRuntime, ctx: HandlerContext, storage: SimStorage): boolean =>
  ['Datastore.Audit', 'Datastore.AllocateSpace'].some((p) =>
    hasPrivilegeOn(rt.state, ctx.token, `/storage/${storage.storage}`, p),
  );

const storageEntry = (s: SimStorage) => ({
  storage: s.storage,
  type: s.type,
  content: s.content,
  shared: s.shared ? 1 : 0,
  ...(s.nodes ? { nodes: s.nodes.join(',') } : {}),
  digest: '0'.repeat(40),
});

export const listStorage: Handler = (rt, ctx) =>
  [...rt.state.storages.values()]
    .filter((s) => (ctx.params.type === undefined || s.type === ctx.params.type) && visible(rt, ctx, s))
    .map(storageEntry);

export const nodeStorage: Handler = (rt, ctx) => {
  const node = rt.state.requireNode(ctx.params.node!);
  const { storage, content, enabled } = ctx.params;
  return [...rt.state.storages.values()]
    .filter((s) => rt.state.storageOnNode(s, node.name) && visible(rt, ctx, s))
    .filter((s) => storage === undefined || s.storage === storage)
    .filter((s) => content === undefined || s.content.split(',').includes(content))
    .filter(() => enabled === undefined || enabled === '1' || enabled === '0')
    .map((s) => ({
      storage: s.storage,
      type: s.type,
      content: s.content,
      shared: s.shared ? 1 : 0,
      active: 1,
      enabled: 1,
      total: 512 * 1024 ** 3,
      used: 64 * 1024 ** 3,
      avail: 448 * 1024 ** 3,
      used_fraction: 0.125,
    }));
};

export const nodeNetwork: Handler = (rt, ctx) => {
  const node = rt.state.requireNode(ctx.params.node!);
  const type = ctx.params.type;
  if (type !== undefined && !['bridge', 'any_bridge', 'any_local_bridge'].includes(type)) return [];
  return node.bridges.map((iface, i) => ({
    iface,
    type: 'bridge',
    active: 1,
    autostart: 1,
    method: 'manual',
    families: ['inet'],
    bridge_ports: `eno${i + 1}`,
    bridge_stp: 'off',
    bridge_fd: '0',
    priority: i,
  }));
};

export const listPools: Handler = (rt, ctx) =>
  [...rt.state.pools]
    .filter((pool) => hasPrivilegeOn(rt.state, ctx.token, `/pool/${pool}`, 'Pool.Audit'))
    .map((poolid) => ({ poolid }));

export const accessPermissions: Handler = (rt, ctx) => {
  const { userid, path } = ctx.params;
  if (userid !== undefined && userid !== ctx.token.id)
    throw new PveError(403, `Permission check failed (/access, Sys.Audit)\n`);
  return permissionsMap(rt.state, ctx.token, path);
};
