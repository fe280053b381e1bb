// The bot role's Slack side: the Bolt app over the configured transport, with its listeners
// wired to the shared stores, the Notifier, and (when this process has their secrets) Proxmox
// and GitLab for `list`, `status` and App Home, read through the view all bot processes share
// on Redis. Returns the component and its HTTP routes.
import { readBoundedFile } from '../bounded-read.ts';
import type { Redis } from 'ioredis';
import { WebClient } from '@slack/web-api';
import { localViewStore, sharedUpstream } from '../app/fleet-view.ts';
import { createBoltApp, type BoltApp, type ExtraAction } from '../bot/app.ts';
import type { BotDeps } from '../bot/bot-deps.ts';
import { createDeliveryDedupe } from '../bot/dedupe.ts';
import { createSlackDirectory } from '../bot/directory.ts';
import { knownSecretValues, type LoadedConfig } from '../config.ts';
import type { Hypervisor, Notifier, RunnerRegistry } from '../core/ports.ts';
import { readAudit } from '../jobs/redis-audit-log.ts';
import { createRedisUpstreamViewStore } from '../jobs/redis-fleet-view.ts';
import { createGitlabRegistry } from '../provisioner/gitlab.ts';
import { createProxmoxHypervisor } from '../provisioner/proxmox.ts';
import { secretScrubber, type Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { systemClock, systemIds } from '../system.ts';
import { CliError } from './load.ts';
import { slackConnection, type SlackConnection } from './slack-connection.ts';
import { toRequestPolicy } from './request-policy.ts';
import type { Stores } from './stores.ts';
import { fetchOption } from '../outbound-proxy.ts';

export interface SlackComponentDeps {
  loaded: LoadedConfig;
  redis: Redis;
  stores: Stores;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
  /** More button handlers (the alert buttons), built from the bot's own dependencies. */
  extraActions?: (bot: BotDeps) => ExtraAction[];
}

const unconfigured = (what: string, variable: string) => async (): Promise<never> => {
  throw new Error(`${what} is not configured in this process (${variable} is not set)`);
};

/** The read side of Proxmox and GitLab for list/status; a bot without their secrets says so instead. */
function fleetLookups(loaded: LoadedConfig): {
  hypervisor: Pick<Hypervisor, 'listVms'>;
  registry: Pick<RunnerRegistry, 'getRunner' | 'findRunnersByDescription' | 'runningJobs'>;
} {
  const { config, secrets } = loaded;
  const hypervisor = secrets.proxmoxTokenSecret
    ? createProxmoxHypervisor({
        url: config.proxmox.url,
        tokenId: config.proxmox.tokenId,
        tokenSecret: secrets.proxmoxTokenSecret,
        insecure: config.proxmox.insecure,
        requestTimeoutMs: 5_000,
        ...(config.proxmox.caFile ? { ca: readBoundedFile(config.proxmox.caFile) } : {}),
        ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
      })
    : { listVms: unconfigured('Proxmox', 'PROXMOX_TOKEN_SECRET') };
  const registry = secrets.gitlabToken
    ? createGitlabRegistry({
        url: config.gitlab.url,
        token: secrets.gitlabToken,
        runnerType: config.gitlab.runnerType,
        requestTimeoutMs: 5_000,
        ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
      })
    : {
        getRunner: unconfigured('GitLab', 'GITLAB_TOKEN'),
        findRunnersByDescription: unconfigured('GitLab', 'GITLAB_TOKEN'),
        runningJobs: unconfigured('GitLab', 'GITLAB_TOKEN'),
      };
  return { hypervisor, registry };
}

export function slackComponent({
  loaded,
  redis,
  stores,
  notifier,
  logger,
  metrics,
  extraActions = () => [],
}: SlackComponentDeps): BoltApp {
  const { config, secrets } = loaded;
  const { prefix } = config.redis;
  if (!secrets.slackBotToken) throw new CliError('SLACK_BOT_TOKEN is not set; runnerbot bot needs it');
  const apiUrl = config.slack.apiUrl ? `${config.slack.apiUrl.replace(/\/+$/, '')}/` : undefined;
  const web = new WebClient(secrets.slackBotToken, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    ...fetchOption(loaded.proxy),
  });
  const policy = toRequestPolicy(config);
  const lookups = fleetLookups(loaded);
  const transport =
    config.slack.mode === 'socket'
      ? { mode: 'socket' as const, appToken: secrets.slackAppToken ?? '' }
      : { mode: 'http' as const, signingSecret: secrets.slackSigningSecret ?? '', redis, prefix };
  const deps: BotDeps = {
    ...stores,
    notifier,
    clock: systemClock,
    ids: systemIds,
    policy,
    directory: createSlackDirectory({ client: web, redis, prefix, groups: [...policy.operators, ...policy.approvers] }),
    registry: lookups.registry,
    runnerJobs: lookups.registry,
    upstream: sharedUpstream({
      ...lookups,
      fleet: stores.fleet,
      runs: stores.runs,
      clock: systemClock,
      store:
        secrets.proxmoxTokenSecret && secrets.gitlabToken
          ? createRedisUpstreamViewStore(redis, prefix)
          : localViewStore(systemClock),
    }),
    doctor: async () => (await (await import('./doctor/doctor.ts')).runDoctor(loaded)).results,
    readAudit: async ({ runner, limit }) =>
      (await readAudit(redis, prefix, runner ? { runner } : {})).reverse().slice(0, limit),
    channel: config.slack.channel,
    poolSettings: { namePrefix: config.pools.namePrefix },
    dedupe: createDeliveryDedupe(redis, prefix),
    scrub: secretScrubber(knownSecretValues(loaded)),
    logger,
    observeAck: (seconds) => metrics.commandAck.observe(seconds),
  };
  return createBoltApp({
    botToken: secrets.slackBotToken,
    transport,
    ...(apiUrl ? { apiUrl } : {}),
    ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
    extraActions: extraActions(deps),
    deps,
  });
}

/** Socket Mode connects in the background, retried with backoff, so health and shutdown never wait on Slack. */
export function slackInBackground(loaded: LoadedConfig, slack: BoltApp, logger: Logger): SlackConnection {
  const apiUrl = loaded.config.slack.apiUrl ?? 'https://slack.com/api/';
  return slackConnection({
    slack,
    botToken: loaded.secrets.slackBotToken ?? '',
    apiUrl,
    logger,
    ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
  });
}
