// The one gitbeaker client builder of the GitLab adapters (runners and the validation project), and
// the call wrapper that turns its errors into runnerbot's, with the token scrubbed.
import type { Agent as HttpAgent } from 'node:http';
import { Gitlab } from '@gitbeaker/rest';
import { proxyDispatcher, type OutboundProxy } from '../../outbound-proxy.ts';
import { statusOf, toRunnerbotError, type Attempt } from './errors.ts';

export interface GitlabClientConfig {
  /** The GitLab base URL, e.g. https://gitlab.example.com (the API is under /api/v4). */
  url: string;
  token: string;
  /** Per-request timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** The outbound proxy (HTTPS_PROXY and friends), if any. */
  proxy?: OutboundProxy;
}

export type GitlabCall = <T>(attempt: Attempt, fn: () => Promise<T>, on404?: () => T) => Promise<T>;

export function gitlabClient(config: GitlabClientConfig): { api: InstanceType<typeof Gitlab>; call: GitlabCall } {
  const api = new Gitlab({
    host: config.url.replace(/\/+$/, ''),
    token: config.token,
    queryTimeout: config.requestTimeoutMs ?? 30_000,
    // gitbeaker hands `agent` to fetch as its undici dispatcher (its type says node:http's Agent)
    ...(config.proxy ? { agent: proxyDispatcher(config.proxy) as unknown as HttpAgent } : {}),
  });
  const secrets = [config.token];
  const call: GitlabCall = async (attempt, fn, on404) => {
    try {
      return await fn();
    } catch (e) {
      if (on404 && statusOf(e) === 404) return on404();
      throw toRunnerbotError(e, attempt, secrets);
    }
  };
  return { api, call };
}
