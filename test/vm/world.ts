// The QEMU tier's world: the Proxmox simulator backed by real QEMU VMs, the GitLab and Slack
// simulators, the sources a real site points runnerbot at (a flaky apt mirror in front of
// Debian's, the signed gitlab-runner repository, a registry mirror holding cAdvisor's image) and
// runnerbot.yaml for `runnerbot <command>` run as a child process, as an operator runs it.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { writeRunnerbotConfig } from '../../sandbox/runnerbot-config.ts';
import { PROXMOX_LAYOUT, type Simulators } from '../../sandbox/simulators.ts';
import { slackWorkspace } from '../../sandbox/people.ts';
import { startGitlabSim } from '../../sim/gitlab/index.ts';
import { startProxmoxSim } from '../../sim/proxmox/index.ts';
import { createQemuHost, HOST_FROM_GUEST, type QemuHost } from '../../sim/qemu/host.ts';
import { startSlackSim } from '../../sim/slack/index.ts';
import { startFlakyMirror, type FlakyMirror } from './flaky-mirror.ts';
import { startRegistry, type LocalRegistry } from './registry.ts';
import { startRunnerRepo, type RunnerRepo } from './runner-repo.ts';

const BIN = new URL('../../bin/runnerbot.js', import.meta.url).pathname;
export const CADVISOR_IMAGE = 'cadvisor/cadvisor:v0.49.1';
/** Every connection through QEMU's forwards reaches the guest from its gateway: our "inside". */
export const MANAGEMENT = `${HOST_FROM_GUEST}/32`;

export interface VmWorld {
  sims: Simulators;
  qemu: QemuHost;
  mirror: FlakyMirror;
  repo: RunnerRepo;
  registry: LocalRegistry;
  keyPath: string;
  /** Runs the CLI; past `timeoutMs` it is sent SIGTERM and what it printed so far is returned (code null). */
  runnerbot(args: string[], timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Runs a command on the VM over SSH (as the cloud-init user; use sudo inside). */
  ssh(ip: string, command: string, timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function startVmWorld(): Promise<VmWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'rbt-vm-'));
  const qemu = await createQemuHost({ imageExtra: process.env.RUNNERBOT_VM_EXTRA ?? '' });
  const [proxmox, gitlab, slack] = await Promise.all([
    startProxmoxSim({
      nodes: [{ name: PROXMOX_LAYOUT.node }],
      pools: [PROXMOX_LAYOUT.pool],
      templates: [
        { vmid: PROXMOX_LAYOUT.template.vmid, node: PROXMOX_LAYOUT.node, name: PROXMOX_LAYOUT.template.name },
      ],
      vmHost: qemu,
    }),
    startGitlabSim(),
    startSlackSim({ ...slackWorkspace, transport: 'socket' }),
  ]);
  const sims: Simulators = {
    proxmox,
    gitlab,
    slack,
    stop: async () => void (await Promise.allSettled([slack.close(), gitlab.close(), proxmox.close()])),
  };
  const [mirror, repo, registry] = await Promise.all([
    startFlakyMirror(),
    startRunnerRepo(),
    startRegistry(CADVISOR_IMAGE),
  ]);
  const prefix = `rbt-vm-${randomBytes(5).toString('hex')}`;
  const redisUrl = process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const config = await writeRunnerbotConfig({
    dir,
    sims,
    redis: { url: redisUrl, prefix },
    httpPort: 0,
    alertsToken: randomBytes(8).toString('hex'),
  });

  // The real machine is slow (TCG on two shared cores): minutes where the fake VMs take seconds.
  const yaml = parse(await readFile(config.file, 'utf8')) as Record<string, Record<string, unknown>>;
  yaml.ssh = { ...yaml.ssh, port: qemu.sshPort };
  yaml.provision = {
    ...yaml.provision,
    dockerSource: 'debian',
    aptMirror: mirror.url,
    aptSecurityMirror: `${mirror.url}-security`,
    runnerAptRepo: repo.url,
    registryMirror: registry.mirrorUrl,
    cadvisorImage: CADVISOR_IMAGE,
    managementNetworks: [MANAGEMENT],
    prometheusNetworks: [MANAGEMENT],
    timeouts: {
      taskSeconds: 300,
      lockSeconds: 60,
      agentSeconds: 900,
      sshSeconds: 900,
      cloudInitSeconds: 900,
      phaseSeconds: 1500,
      drainJobsSeconds: 10,
    },
    pollMs: 2000,
  };
  yaml.worker = { ...yaml.worker, attempts: 2 };
  await writeFile(config.file, stringify(yaml));
  const keyPath = yaml.ssh.keyPath as string;

  return {
    sims,
    qemu,
    mirror,
    repo,
    registry,
    keyPath,
    runnerbot: (args, timeoutMs = 18 * 60_000) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], {
          env: { PATH: process.env.PATH ?? '', ...config.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      }),
    ssh: (ip, command, timeoutMs = 300_000) =>
      new Promise((resolve) => {
        execFile(
          'ssh',
          [
            '-i',
            keyPath,
            '-p',
            String(qemu.sshPort),
            '-o',
            'BatchMode=yes',
            '-o',
            'StrictHostKeyChecking=no',
            '-o',
            'UserKnownHostsFile=/dev/null',
            '-o',
            'LogLevel=ERROR',
            '-o',
            'ConnectTimeout=30',
            `runnerbot@${ip}`,
            command,
          ],
          { timeout: timeoutMs, maxBuffer: 16 << 20 },
          (error, stdout, stderr) =>
            resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        );
      }),
    async close() {
      await sims.stop();
      await qemu.close();
      await Promise.allSettled([mirror.close(), repo.served.close(), registry.close()]);
      const { Redis } = await import('ioredis');
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const execHost = promisify(execFile);
