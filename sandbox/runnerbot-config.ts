// runnerbot.yaml and its secret files for the sandbox: the shipped example with the simulators'
// URLs, the sandbox's people and channels, a fresh SSH key and short timeouts. Nothing here is a
// sandbox-only key; a production file differs only in its values.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { generateSshKeyPair } from '../sim/vm/index.ts';
import { CHANNELS, GROUPS } from './people.ts';
import { PROXMOX_LAYOUT, type Simulators } from './simulators.ts';

const EXAMPLE = new URL('../runnerbot.example.yaml', import.meta.url);

export interface ConfigInput {
  dir: string;
  sims: Simulators;
  /** The `redis` section: `{ url, prefix }`, or a `sentinel` or `cluster` block with the prefix. */
  redis: { prefix: string; url?: string; [key: string]: unknown };
  httpPort: number;
  alertmanagerUrl?: string;
  /** runnerbot's ALERTS_TOKEN, also given to Alertmanager. */
  alertsToken: string;
}

export interface WrittenConfig {
  file: string;
  /** RUNNERBOT_CONFIG and the NAME_FILE variables, as runnerbot's environment. */
  env: Record<string, string>;
}

const SECONDS = {
  taskSeconds: 30,
  lockSeconds: 30,
  agentSeconds: 30,
  sshSeconds: 30,
  cloudInitSeconds: 30,
  phaseSeconds: 60,
  drainJobsSeconds: 10,
};

async function writeSecrets(dir: string, secrets: Record<string, string>): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(secrets)) {
    const path = join(dir, name.toLowerCase());
    await writeFile(path, `${value}\n`, { mode: 0o600 });
    env[`${name}_FILE`] = path;
  }
  return env;
}

export async function writeRunnerbotConfig(input: ConfigInput): Promise<WrittenConfig> {
  const { dir, sims } = input;
  const key = await generateSshKeyPair('runnerbot@sandbox');
  const keyPath = join(dir, 'id_ed25519');
  await writeFile(keyPath, key.privateKey, { mode: 0o600 });
  await writeFile(`${keyPath}.pub`, `${key.publicKey}\n`);
  const caFile = join(dir, 'proxmox-ca.pem');
  await writeFile(caFile, sims.proxmox.caPem);

  const config = parse(await readFile(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>>;
  Object.assign(config, {
    http: { host: '127.0.0.1', port: input.httpPort },
    redis: input.redis,
    slack: {
      ...config.slack,
      mode: 'socket',
      apiUrl: sims.slack.apiUrl,
      channel: CHANNELS.runners.id,
      operators: [GROUPS.operators.id],
      approvers: [GROUPS.approvers.id],
    },
    proxmox: {
      ...config.proxmox,
      url: `${sims.proxmox.url}/api2/json`,
      caFile,
      tokenId: sims.proxmox.token.id,
      nodes: [PROXMOX_LAYOUT.node],
      templateVmid: PROXMOX_LAYOUT.template.vmid,
      templateNode: PROXMOX_LAYOUT.node,
      pool: PROXMOX_LAYOUT.pool,
      vmidRange: PROXMOX_LAYOUT.vmidRange,
      storage: undefined,
    },
    gitlab: { url: sims.gitlab.url, runnerType: 'instance_type' },
    ssh: {
      ...config.ssh,
      keyPath,
      publicKeyPath: `${keyPath}.pub`,
      port: sims.farm?.sshPort ?? 22,
      knownHostsFile: join(dir, 'known_hosts'),
    },
    provision: {
      ...config.provision,
      managementNetworks: ['127.0.0.0/8'],
      prometheusNetworks: ['127.0.0.0/8'],
      timeouts: SECONDS,
      pollMs: 25,
    },
    worker: { ...config.worker, attempts: 3, backoffMs: 250, maxBackoffMs: 2000, drainSeconds: 5 },
    alerts: {
      ...config.alerts,
      defaultChannel: CHANNELS.alerts.id,
      routes: [],
      // A visitor who silences an alert and then resolves it sees the message turn resolved within
      // seconds, once the sandbox's Alertmanager has been up 2 minutes (silence-watch.ts).
      silenceCheckSeconds: 3,
      ...(input.alertmanagerUrl ? { alertmanagerUrl: input.alertmanagerUrl } : { alertmanagerUrl: undefined }),
    },
  });
  const file = join(dir, 'runnerbot.yaml');
  await writeFile(
    file,
    `# Written by the sandbox (npm run sandbox); see runnerbot.example.yaml for every key.\n${stringify(config)}`,
  );

  const secretEnv = await writeSecrets(dir, {
    SLACK_BOT_TOKEN: sims.slack.botToken,
    SLACK_APP_TOKEN: sims.slack.appToken,
    SLACK_SIGNING_SECRET: sims.slack.signingSecret,
    PROXMOX_TOKEN_SECRET: sims.proxmox.token.secret,
    GITLAB_TOKEN: sims.gitlab.token,
    ALERTS_TOKEN: input.alertsToken,
  });
  return { file, env: { RUNNERBOT_CONFIG: file, ...secretEnv } };
}
