// The values bootstrap.sh needs, as a file of KEY='value' lines (uploaded with mode 0600 and
// read by the script with `.`). Each value is shell-quoted, so sourcing it only assigns.
import type { ProvisionSettings } from './settings.ts';
import { shellQuote } from './shell-quote.ts';

export const BOOTSTRAP_DIR = '/etc/runnerbot';
export const BOOTSTRAP_SCRIPT_PATH = `${BOOTSTRAP_DIR}/bootstrap.sh`;
export const BOOTSTRAP_ENV_PATH = `${BOOTSTRAP_DIR}/bootstrap.env`;

/** The ports Prometheus scrapes: node_exporter, cAdvisor, gitlab-runner's listen_address. */
export const METRICS_PORTS = [9100, 8080, 9252] as const;

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/** Docker's key lives next to its Debian repository (…/linux/debian/gpg). */
export const dockerKeyUrl = (repo: string): string => `${withSlash(repo)}gpg`;

/** GitLab's key lives at the project root (…/runner/gitlab-runner/gpgkey), above `debian/`. */
export const runnerKeyUrl = (repo: string): string => `${withSlash(repo).replace(/debian\/$/, '')}gpgkey`;

export function bootstrapEnv(settings: ProvisionSettings): Record<string, string> {
  const { sources } = settings;
  return {
    APT_MIRROR: sources.aptMirror,
    APT_SECURITY_MIRROR: sources.aptSecurityMirror,
    DOCKER_SOURCE: sources.dockerSource,
    DOCKER_VERSION: sources.dockerVersion,
    RUNNER_VERSION: sources.runnerVersion,
    REGISTRY_MIRROR: sources.registryMirror,
    DOCKER_APT_REPO: sources.dockerAptRepo,
    DOCKER_APT_KEY_URL: dockerKeyUrl(sources.dockerAptRepo),
    RUNNER_APT_REPO: sources.runnerAptRepo,
    RUNNER_APT_KEY_URL: runnerKeyUrl(sources.runnerAptRepo),
    NODE_EXPORTER_PACKAGE: sources.nodeExporterPackage,
    CADVISOR_IMAGE: sources.cadvisorImage,
    MANAGEMENT_NETWORKS: settings.managementNetworks.join(' '),
    PROMETHEUS_NETWORKS: settings.prometheusNetworks.join(' '),
    SSH_PORT: String(settings.ssh.port),
    METRICS_PORTS: METRICS_PORTS.join(' '),
    DPKG_LOCK_TIMEOUT: String(Math.max(1, Math.floor(settings.timeouts.phaseMs / 2000))),
  };
}

export function renderBootstrapEnv(settings: ProvisionSettings): string {
  const lines = Object.entries(bootstrapEnv(settings)).map(([key, value]) => `${key}=${shellQuote(value)}`);
  return `# Written by runnerbot for bootstrap.sh; read with \`.\`, never executed otherwise.\n${lines.join('\n')}\n`;
}
