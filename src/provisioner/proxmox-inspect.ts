// Read-only questions `runnerbot doctor` asks Proxmox VE beyond what provisioning needs: the
// token's effective privileges on a path, a node's bridges, and the pools it can see.
import proxmoxApi from 'proxmox-api';
import type { ProxmoxEngineOptions } from 'proxmox-api';
import { fetchTrusting } from './proxmox/https-fetch.ts';
import { parseFailure, toRunnerbotError } from './proxmox/errors.ts';
import type { ProxmoxOptions } from './proxmox.ts';

export interface ProxmoxInspector {
  /** `GET /access/permissions?path=`: privilege -> propagate, effective for this token on `path`. */
  privilegesOn(path: string): Promise<Record<string, unknown>>;
  bridges(node: string): Promise<string[]>;
  pools(): Promise<string[]>;
}

export function createProxmoxInspector(options: ProxmoxOptions): ProxmoxInspector {
  const url = new URL(options.url);
  const api = proxmoxApi({
    host: url.hostname,
    port: Number(url.port || 8006),
    schema: url.protocol === 'http:' ? 'http' : 'https',
    tokenID: options.tokenId,
    tokenSecret: options.tokenSecret,
    queryTimeout: options.requestTimeoutMs ?? 30_000,
    fetch: fetchTrusting(options) as unknown as ProxmoxEngineOptions['fetch'],
  });
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
