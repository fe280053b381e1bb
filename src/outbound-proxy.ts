// Outbound HTTP(S) through the proxy the environment names: HTTPS_PROXY, HTTP_PROXY and NO_PROXY
// (or their lower-case forms). Node's fetch ignores these variables, so each client runnerbot makes
// for Slack, GitLab and Proxmox is handed the dispatcher or fetch made here. SSH to the VMs is
// never proxied.
import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Env } from './secrets.ts';

export interface OutboundProxy {
  /** For http:// URLs, and for https:// ones when httpsProxy is unset. */
  httpProxy?: string;
  httpsProxy?: string;
  /** Hosts reached directly: comma- or space-separated names, `.suffix`, `host:port`, `*`. */
  noProxy?: string;
}

/** The TLS trust of one client (Proxmox's own CA, or `insecure`), kept inside the proxy's tunnel. */
export interface TlsTrust {
  ca?: string;
  insecure?: boolean;
}

export type ProxiedFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

const variable = (env: Env, name: string): string | undefined => env[name.toLowerCase()] || env[name] || undefined;

/** The proxy settings of `env`; undefined when neither HTTP_PROXY nor HTTPS_PROXY is set. */
export function proxyFromEnv(env: Env): OutboundProxy | undefined {
  const httpProxy = variable(env, 'HTTP_PROXY');
  const httpsProxy = variable(env, 'HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = variable(env, 'NO_PROXY');
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}

const PROXY_VARIABLES = { httpProxy: 'HTTP_PROXY', httpsProxy: 'HTTPS_PROXY' } as const;

/** A proxy variable that is not an http(s):// URL: one problem each, named by the variable. */
export function proxyProblems(proxy: OutboundProxy): { path: string; message: string }[] {
  return Object.entries(PROXY_VARIABLES).flatMap(([key, name]) => {
    const value = proxy[key as keyof typeof PROXY_VARIABLES];
    if (value === undefined || /^https?:$/.test(safeUrl(value)?.protocol ?? '')) return [];
    return [{ path: name, message: 'expected the proxy as a URL such as http://proxy.example.com:3128' }];
  });
}

/** The passwords inside the proxy URLs, to scrub from whatever leaves the process. */
export function proxyPasswords(proxy: OutboundProxy): string[] {
  return [proxy.httpProxy, proxy.httpsProxy]
    .map((url) => (url ? decodeURIComponent(safeUrl(url)?.password ?? '') : ''))
    .filter((password) => password !== '');
}

function causes(error: unknown): Error[] {
  const found: Error[] = [];
  for (let e = error; e instanceof Error && found.length < 5; e = e.cause) found.push(e);
  return found;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** An undici dispatcher that tunnels (CONNECT) through the proxy, or connects directly for NO_PROXY hosts. */
export function proxyDispatcher(proxy: OutboundProxy, tls: TlsTrust = {}): Dispatcher {
  const trust = { rejectUnauthorized: !tls.insecure, ...(tls.ca ? { ca: tls.ca } : {}) };
  return new EnvHttpProxyAgent({
    // Explicit values, so the process environment never adds a proxy the configuration did not name.
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? '',
    noProxy: proxy.noProxy ?? '',
    connect: trust,
    requestTls: trust,
  });
}

/** A fetch that goes through `dispatcher`. A refused tunnel says so, not "Request was cancelled". */
export function fetchThrough(dispatcher: Dispatcher): ProxiedFetch {
  return async (url, init) => {
    try {
      return (await undiciFetch(url, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher,
      })) as unknown as Response;
    } catch (error) {
      const refusal = causes(error).find((cause) => cause.message.startsWith('Proxy response'));
      if (refusal)
        throw new TypeError('fetch failed', { cause: new Error(`the outbound proxy refused: ${refusal.message}`) });
      throw error;
    }
  };
}

/** `{ fetch }` for a client that takes a fetch option (Slack's WebClient), or nothing without a proxy. */
export const fetchOption = (proxy?: OutboundProxy): { fetch?: ProxiedFetch } =>
  proxy ? { fetch: fetchThrough(proxyDispatcher(proxy)) } : {};
