// Socket Mode connects out to Slack. When Slack cannot be reached, the process still starts:
// /healthz answers (reporting Slack down), the log names the URL that failed and why, and the
// connection is retried with backoff until it works or the process is told to stop.
import { LogLevel, WebClient } from '@slack/web-api';
import type { Logger } from '../log.ts';
import { pause } from '../pause.ts';
import { fetchOption, type OutboundProxy } from '../outbound-proxy.ts';
import type { Component } from './component.ts';

export type SlackState =
  | { status: 'connecting'; since: string }
  | { status: 'up'; since: string }
  | { status: 'down'; since: string; url: string; error: string; attempts: number };

export interface SlackConnection extends Component {
  state(): SlackState;
}

export interface SlackConnectionOptions {
  /** The Bolt app; its start() opens the Socket Mode connection. */
  slack: Component;
  botToken: string;
  apiUrl: string;
  logger: Logger;
  backoff?: { firstMs: number; maxMs: number };
  /** The probe's own limit, so that an unanswered request is a failure, not a hang. */
  probeTimeoutMs?: number;
  proxy?: OutboundProxy;
}

/** "ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)" from an error and its causes, innermost first. */
export function networkReason(error: unknown): string {
  const chain: { code?: string; message?: string }[] = [];
  for (
    let e = error as { code?: string; message?: string; cause?: unknown; original?: unknown } | undefined;
    e && chain.length < 6;
  ) {
    chain.push(e);
    e = (e.original ?? e.cause) as typeof e;
  }
  const inner = [...chain].reverse().find((e) => e.code && !e.code.startsWith('slack_')) ?? chain.at(-1);
  const data = (error as { data?: { error?: string } }).data?.error;
  if (data) return `Slack answered ${data}`;
  if (!inner) return String(error);
  return inner.code && inner.message && !inner.message.includes(inner.code)
    ? `${inner.code} (${inner.message})`
    : (inner.message ?? inner.code ?? String(error));
}

export function slackConnection(options: SlackConnectionOptions): SlackConnection {
  const { slack, logger } = options;
  const { firstMs, maxMs } = options.backoff ?? { firstMs: 1_000, maxMs: 60_000 };
  const url = `${options.apiUrl.replace(/\/*$/, '/')}auth.test`;
  const probe = new WebClient(options.botToken, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    timeout: options.probeTimeoutMs ?? 10_000,
    ...fetchOption(options.proxy),
  });
  const stopping = new AbortController();
  let state: SlackState = { status: 'connecting', since: new Date().toISOString() };
  /** Once the Bolt app was asked to start, stopping must stop it (even mid-connect). */
  let asked = false;

  async function connect(): Promise<void> {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      try {
        await probe.auth.test();
        if (stopping.signal.aborted) return;
        asked = true;
        await slack.start();
        if (state.status === 'down') logger.info({ url, attempts: attempt }, 'Slack is reachable again; connected');
        state = { status: 'up', since: new Date().toISOString() };
        return;
      } catch (error) {
        const reason = networkReason(error);
        const retryMs = Math.min(maxMs, firstMs * 2 ** Math.min(attempt - 1, 16));
        if (state.status !== 'down')
          state = { status: 'down', since: new Date().toISOString(), url, error: reason, attempts: attempt };
        else state = { ...state, error: reason, attempts: attempt };
        logger.warn(
          { url, reason, attempt, retryInSeconds: retryMs / 1000 },
          `cannot reach Slack: ${url} failed: ${reason}; retrying in ${retryMs / 1000} s`,
        );
        await pause(retryMs, stopping.signal);
      }
    }
  }

  return {
    name: 'slack',
    stopTimeoutMs: 5_000,
    state: () => state,
    start: async () => {
      void connect();
    },
    stop: async () => {
      stopping.abort();
      if (asked) await slack.stop();
    },
  };
}
