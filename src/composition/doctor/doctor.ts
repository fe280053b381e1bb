// `runnerbot doctor`: checks the configuration against the live services before the first
// provision, one ✓/✗ line per check (with the fix), exit 0 only when every check passes.
import { readFileSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import type { Env, LoadedConfig } from '../../config.ts';
import { fetchOption } from '../../outbound-proxy.ts';
import { createGitlabRegistry } from '../../provisioner/gitlab.ts';
import { createProxmoxInspector } from '../../provisioner/proxmox-inspect.ts';
import { createProxmoxHypervisor, type ProxmoxOptions } from '../../provisioner/proxmox.ts';
import { createRedis } from '../../redis.ts';
import { redisEndpoint } from '../../redis-endpoint.ts';
import { toProvisionSettings } from '../provision-settings.ts';
import { CliError, loadOrRefuse, scrubFor } from '../load.ts';
import { fail, formatResult, type CheckResult } from './check.ts';
import { gitlabChecks } from './gitlab-checks.ts';
import { alertmanagerCheck, redisCheck, sshChecks } from './local-checks.ts';
import { proxmoxChecks } from './proxmox-checks.ts';
import type { LargestProfile } from './rebuild-check.ts';
import { slackChecks } from './slack-checks.ts';

const missing = (name: string, variable: string): CheckResult[] => [
  fail(name, `${variable} is not set`, `set ${variable} (or ${variable}_FILE) in the environment`),
];

function largestProfile(config: LoadedConfig['config']): LargestProfile {
  const [name, profile] = Object.entries(config.profiles).sort(([, a], [, b]) => b.memoryMiB - a.memoryMiB)[0]!;
  return { name, memoryMiB: profile.memoryMiB };
}

async function proxmoxPart({ config, secrets, proxy }: LoadedConfig): Promise<CheckResult[]> {
  if (!secrets.proxmoxTokenSecret) return missing('proxmox', 'PROXMOX_TOKEN_SECRET');
  let ca: string | undefined;
  if (config.proxmox.caFile) {
    try {
      ca = readFileSync(config.proxmox.caFile, 'utf8');
    } catch (error) {
      return [
        fail(
          'proxmox',
          `cannot read proxmox.caFile ${config.proxmox.caFile} (${(error as NodeJS.ErrnoException).code})`,
          'point proxmox.caFile at the PEM of the CA that signed the Proxmox certificate',
        ),
      ];
    }
  }
  const options: ProxmoxOptions = {
    url: config.proxmox.url,
    tokenId: config.proxmox.tokenId,
    tokenSecret: secrets.proxmoxTokenSecret,
    insecure: config.proxmox.insecure,
    requestTimeoutMs: 10_000,
    ...(ca ? { ca } : {}),
    ...(proxy ? { proxy } : {}),
  };
  return proxmoxChecks({
    hypervisor: createProxmoxHypervisor(options),
    inspector: createProxmoxInspector(options),
    settings: toProvisionSettings(config, '').proxmox,
    tokenId: config.proxmox.tokenId,
    url: config.proxmox.url,
    largestProfile: largestProfile(config),
  });
}

async function gitlabPart({ config, secrets, proxy }: LoadedConfig): Promise<CheckResult[]> {
  if (!secrets.gitlabToken) return missing('gitlab', 'GITLAB_TOKEN');
  const g = config.gitlab;
  const registry = createGitlabRegistry({
    url: g.url,
    token: secrets.gitlabToken,
    runnerType: g.runnerType,
    requestTimeoutMs: 10_000,
    ...(g.groupId ? { groupId: g.groupId } : {}),
    ...(g.projectId ? { projectId: g.projectId } : {}),
    ...(proxy ? { proxy } : {}),
  });
  const target =
    g.runnerType === 'group_type'
      ? `in group ${g.groupId}`
      : g.runnerType === 'project_type'
        ? `in project ${g.projectId}`
        : 'for the instance';
  return gitlabChecks(registry, { url: g.url, runnerType: g.runnerType, target });
}

async function slackPart({ config, secrets, proxy }: LoadedConfig): Promise<CheckResult[]> {
  if (!secrets.slackBotToken) return missing('slack', 'SLACK_BOT_TOKEN');
  const client = new WebClient(secrets.slackBotToken, {
    retryConfig: { retries: 0 },
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    ...fetchOption(proxy),
  });
  const groups = [
    ...new Set([...config.slack.operators, ...config.slack.approvers].filter((id) => id.startsWith('S'))),
  ];
  return slackChecks(client, { channel: config.slack.channel, groups });
}

async function redisPart({ config, secrets }: LoadedConfig): Promise<CheckResult[]> {
  const endpoint = redisEndpoint(config.redis, secrets);
  const redis = createRedis(endpoint, { name: 'runnerbot-doctor' });
  try {
    return await redisCheck(redis, endpoint, `${config.redis.prefix}:health`);
  } finally {
    redis.disconnect();
  }
}

/** Runs every check; returns each result, the lines to print and whether all passed. */
export async function runDoctor(
  loaded: LoadedConfig,
): Promise<{ results: CheckResult[]; lines: string[]; ok: boolean }> {
  const { config } = loaded;
  const results = [
    ...(await proxmoxPart(loaded)),
    ...(await gitlabPart(loaded)),
    ...(await slackPart(loaded)),
    ...(await redisPart(loaded)),
    ...(await sshChecks({
      keyPath: config.ssh.keyPath,
      knownHosts: config.ssh.knownHosts,
      ...(config.ssh.knownHostsFile ? { knownHostsFile: config.ssh.knownHostsFile } : {}),
    })),
    ...(await alertmanagerCheck(config.alerts.alertmanagerUrl)),
  ];
  const failed = results.filter((r) => !r.ok).length;
  const summary = failed === 0 ? `all ${results.length} checks passed` : `${failed} of ${results.length} checks failed`;
  return { results, lines: [...results.map(formatResult), summary], ok: failed === 0 };
}

export async function doctorCommand(argv: string[], env: Env): Promise<number> {
  if (argv.length > 0) throw new CliError('usage: runnerbot doctor (it takes no arguments)', 2);
  const loaded = loadOrRefuse(env, {});
  const scrub = scrubFor(loaded);
  const { lines, ok } = await runDoctor(loaded);
  for (const line of lines) console.log(scrub(line));
  return ok ? 0 : 1;
}
