// runnerbot.yaml for an in-process world: the shipped example with the simulators' URLs, a fresh
// SSH key pair and short timeouts, loaded by runnerbot's own loadConfig (role worker), exactly as
// `runnerbot worker` would load it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readText } from '../../../../src/composition/load.ts';
import { formatProblem, loadConfig, type LoadedConfig } from '../../../../src/config.ts';
import { generateSshKeyPair } from '../../../../sim/vm/index.ts';

const EXAMPLE = new URL('../../../../runnerbot.example.yaml', import.meta.url);

export const LAYOUT = {
  node: 'pve1',
  pool: 'gitlab-runners',
  template: { vmid: 9000, name: 'debian-12-cloudinit' },
  vmidRange: { min: 5000, max: 5199 },
};

export interface WorldSettings {
  /** provision.pollMs (default 25). */
  pollMs?: number;
  /** Every provision.timeouts value, in seconds (default 30). */
  timeoutSeconds?: number;
  /** worker.attempts / backoffMs / maxBackoffMs: the retry policy (default 8, 100, 1000). */
  attempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface WorldEndpoints {
  proxmoxUrl: string;
  proxmoxCaPem: string;
  proxmoxToken: { id: string; secret: string };
  gitlabUrl: string;
  gitlabToken: string;
  sshPort: number;
  redis: { url: string; prefix: string };
}

export async function writeWorldConfig(dir: string, at: WorldEndpoints, s: WorldSettings = {}): Promise<LoadedConfig> {
  const key = await generateSshKeyPair('runnerbot@resilience');
  const keyPath = join(dir, 'id_ed25519');
  await writeFile(keyPath, key.privateKey, { mode: 0o600 });
  await writeFile(`${keyPath}.pub`, `${key.publicKey}\n`);
  await writeFile(join(dir, 'proxmox-ca.pem'), at.proxmoxCaPem);
  const seconds = s.timeoutSeconds ?? 30;

  const config = parse(await readFile(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>>;
  Object.assign(config, {
    redis: at.redis,
    proxmox: {
      ...config.proxmox,
      url: `${at.proxmoxUrl}/api2/json`,
      caFile: join(dir, 'proxmox-ca.pem'),
      tokenId: at.proxmoxToken.id,
      nodes: [LAYOUT.node],
      templateVmid: LAYOUT.template.vmid,
      templateNode: LAYOUT.node,
      pool: LAYOUT.pool,
      vmidRange: LAYOUT.vmidRange,
      storage: undefined,
    },
    gitlab: { url: at.gitlabUrl, runnerType: 'instance_type' },
    ssh: {
      ...config.ssh,
      keyPath,
      publicKeyPath: `${keyPath}.pub`,
      port: at.sshPort,
      knownHostsFile: join(dir, 'known_hosts'),
    },
    provision: {
      ...config.provision,
      managementNetworks: ['127.0.0.0/8'],
      prometheusNetworks: ['127.0.0.0/8'],
      pollMs: s.pollMs ?? 25,
      timeouts: {
        taskSeconds: seconds,
        lockSeconds: seconds,
        agentSeconds: seconds,
        sshSeconds: seconds,
        cloudInitSeconds: seconds,
        phaseSeconds: seconds,
        drainJobsSeconds: seconds,
      },
    },
    worker: {
      ...config.worker,
      attempts: s.attempts ?? 8,
      backoffMs: s.backoffMs ?? 100,
      maxBackoffMs: s.maxBackoffMs ?? 1000,
    },
  });
  const file = join(dir, 'runnerbot.yaml');
  await writeFile(file, stringify(config));
  const secretFile = async (name: string, value: string) => {
    await writeFile(join(dir, name), `${value}\n`, { mode: 0o600 });
    return join(dir, name);
  };
  const env = {
    RUNNERBOT_CONFIG: file,
    PROXMOX_TOKEN_SECRET_FILE: await secretFile('proxmox-token-secret', at.proxmoxToken.secret),
    GITLAB_TOKEN_FILE: await secretFile('gitlab-token', at.gitlabToken),
  };
  const loaded = loadConfig(env, readText, { role: 'worker' });
  if (!loaded.ok)
    throw new Error(
      `the world's runnerbot.yaml is invalid:\n${loaded.error.map((p) => formatProblem(file, p)).join('\n')}`,
    );
  return loaded.value;
}
