// The proxmox-api client for an API token, shared by the Hypervisor adapter and doctor's inspector.
import proxmoxApi from 'proxmox-api';
import type { ProxmoxEngineOptions } from 'proxmox-api';
import { fetchThrough, proxyDispatcher, type OutboundProxy } from '../../outbound-proxy.ts';
import { fetchTrusting } from './https-fetch.ts';

export interface ProxmoxClientOptions {
  /** e.g. `https://pve.example.com:8006` */
  url: string;
  tokenId: string;
  tokenSecret: string;
  requestTimeoutMs?: number;
  ca?: string;
  insecure?: boolean;
  /** Through this proxy (CONNECT), with the CA above still the one trusted for Proxmox itself. */
  proxy?: OutboundProxy;
}

export function proxmoxClient(options: ProxmoxClientOptions) {
  const url = new URL(options.url);
  return proxmoxApi({
    host: url.hostname,
    port: Number(url.port || 8006),
    schema: url.protocol === 'http:' ? 'http' : 'https',
    tokenID: options.tokenId,
    tokenSecret: options.tokenSecret,
    queryTimeout: options.requestTimeoutMs ?? 30_000,
    // proxmox-api types its `fetch` option with its own copy of undici's types
    fetch: (options.proxy
      ? fetchThrough(proxyDispatcher(options.proxy, options))
      : fetchTrusting(options)) as unknown as ProxmoxEngineOptions['fetch'],
  });
}
