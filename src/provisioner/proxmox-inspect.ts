// Read-only questions `runnerbot doctor` asks Proxmox VE beyond what provisioning needs: the
// token's effective privileges on a path, a node's bridges, and the pools it can see.
import { proxmoxClient } from './proxmox/client.ts';
import { parseFailure, toRunnerbotError } from './proxmox/errors.ts';
import type { ProxmoxOptions } from './proxmox.ts';

export interface ProxmoxInspector {
  /** `GET /access/permissions?path=`: privilege -> propagate, effective for this token on `path`. */
  privilegesOn(path: string): Promise<Record<string, unknown>>;
  bridges(node: string): Promise<string[]>;
  pools(): Promise<string[]>;
}

export function createProxmoxInspector(options: ProxmoxOptions): ProxmoxInspector {
  const api = proxmoxClient(options);
  const call = async <T>(action: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw toRunnerbotError(parseFailure(error), action, options.tokenId, error);
    }
  };
  return {
    async privilegesOn(path) {
      const answer = (await call(`read its permissions on ${path}`, () =>
        api.access.permissions.$get({ path }),
      )) as Record<string, Record<string, unknown>>;
      return answer[path] ?? {};
    },
    async bridges(node) {
      const interfaces = await call(`list the bridges of node ${node}`, () =>
        api.nodes.$(node).network.$get({ type: 'any_bridge' }),
      );
      return interfaces.map((i) => i.iface);
    },
    async pools() {
      const pools = await call('list pools', () => api.pools.$get());
      return pools.map((p) => p.poolid);
    },
  };
}
