// Settings and specs for tests that run the bootstrap and the remote steps against fake VMs.
import type { ProvisionSettings } from '../../src/core/settings.ts';
import type { RunnerSpec } from '../../src/core/spec.ts';

export const INJECTED_IMAGE = 'registry.example.com/ci/$(reboot):"x y"';

export function provisionSettings(
  overrides: {
    gitlabUrl?: string;
    sshPort?: number;
    publicKey?: string;
    cadvisorImage?: string;
    phaseMs?: number;
  } = {},
): ProvisionSettings {
  return {
    proxmox: {
      nodes: ['pve1'],
      templateVmid: 9000,
      templates: {},
      templateNode: 'pve1',
      pool: 'runners',
      vmidRange: { min: 1000, max: 1999 },
      bridge: 'vmbr0',
      disk: 'scsi0',
      ipconfig: 'ip=dhcp',
      fullClone: true,
    },
    ssh: { user: 'runnerbot', publicKey: overrides.publicKey ?? '', port: overrides.sshPort ?? 2222 },
    gitlab: {},
    onFailure: 'keep',
    managementNetworks: ['10.20.0.0/16'],
    prometheusNetworks: ['10.30.0.0/24', '192.168.7.0/24'],
    sources: {
      aptMirror: '',
      aptSecurityMirror: 'http://security.debian.org/debian-security',
      dockerSource: 'docker',
      dockerAptRepo: 'https://download.docker.com/linux/debian',
      dockerVersion: '',
      runnerVersion: '',
      registryMirror: '',
      runnerAptRepo: 'https://packages.gitlab.com/runner/gitlab-runner/debian/',
      nodeExporterPackage: 'prometheus-node-exporter',
      cadvisorImage: overrides.cadvisorImage ?? 'gcr.io/cadvisor/cadvisor:v0.49.1',
    },
    gitlabUrl: overrides.gitlabUrl ?? 'http://127.0.0.1:1',
    timeouts: {
      taskMs: 10_000,
      lockMs: 10_000,
      agentMs: 10_000,
      sshMs: 10_000,
      cloudInitMs: 10_000,
      phaseMs: overrides.phaseMs ?? 20_000,
      drainJobsMs: 10_000,
    },
    pollMs: 50,
  };
}

export function runnerSpec(overrides: Partial<RunnerSpec> = {}): RunnerSpec {
  return {
    name: 'gitlab-runner-07',
    profile: 'build',
    cores: 2,
    memoryMiB: 4096,
    diskGiB: 32,
    tags: ['docker', 'linux'],
    concurrency: 2,
    privileged: true,
    defaultImage: 'alpine:3.20',
    allowedImages: ['alpine:*', 'docker:27*', INJECTED_IMAGE],
    allowedServices: ['docker:27-dind'],
    allowedPullPolicies: ['if-not-present'],
    volumes: ['/cache', '/certs/client'],
    ...overrides,
  };
}
