// The outbound adapters the steps use (Proxmox, GitLab, SSH), built from the configuration.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readBoundedFile } from '../bounded-read.ts';
import type { StepDeps } from '../app/steps/step.ts';
import type { LoadedConfig } from '../config.ts';
import type { Coordination, Fleet, RunStore } from '../core/ports.ts';
import { createGitlabRegistry } from '../provisioner/gitlab.ts';
import { createValidationProject } from '../provisioner/gitlab/validation-project.ts';
import { createProxmoxHypervisor } from '../provisioner/proxmox.ts';
import { createSshShell } from '../provisioner/ssh.ts';
import { systemClock } from '../system.ts';
import { CliError } from './load.ts';
import { toProvisionSettings } from './provision-settings.ts';

const BOOTSTRAP_SCRIPT = new URL('../provisioner/remote/bootstrap.sh', import.meta.url);

export function buildStepDeps(
  loaded: LoadedConfig,
  shared: { coordination: Coordination; fleet: Fleet; runs?: Pick<RunStore, 'activeFor'> },
): StepDeps {
  const { config, secrets, sshPublicKey } = loaded;
  if (!secrets.proxmoxTokenSecret || !secrets.gitlabToken || !secrets.sshPrivateKey || !sshPublicKey) {
    throw new CliError(
      'provisioning needs PROXMOX_TOKEN_SECRET, GITLAB_TOKEN and the SSH key pair at ssh.keyPath (runnerbot config check --for worker lists what is missing)',
    );
  }
  const settings = toProvisionSettings(config, sshPublicKey);
  return {
    hypervisor: createProxmoxHypervisor({
      url: config.proxmox.url,
      tokenId: config.proxmox.tokenId,
      tokenSecret: secrets.proxmoxTokenSecret,
      ...(config.proxmox.caFile ? { ca: readConfiguredFile('proxmox.caFile', config.proxmox.caFile) } : {}),
      insecure: config.proxmox.insecure,
      pollMs: config.provision.pollMs,
      taskTimeoutMs: settings.timeouts.taskMs,
      ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
    }),
    registry: createGitlabRegistry({
      url: config.gitlab.url,
      token: secrets.gitlabToken,
      runnerType: config.gitlab.runnerType,
      ...(config.gitlab.groupId ? { groupId: config.gitlab.groupId } : {}),
      ...(config.gitlab.projectId ? { projectId: config.gitlab.projectId } : {}),
      ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
    }),
    remote: createSshShell({
      user: config.ssh.user,
      port: config.ssh.port,
      privateKey: secrets.sshPrivateKey,
      knownHosts: config.ssh.knownHosts,
      ...(config.ssh.knownHostsFile ? { knownHostsFile: config.ssh.knownHostsFile } : {}),
    }),
    ...(config.validation
      ? {
          validationProject: createValidationProject({
            url: config.gitlab.url,
            token: secrets.gitlabToken,
            projectId: config.validation.projectId,
            ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
          }),
        }
      : {}),
    coordination: shared.coordination,
    fleet: shared.fleet,
    ...(shared.runs ? { runs: shared.runs } : {}),
    clock: systemClock,
    settings,
    bootstrapScript: readFileSync(BOOTSTRAP_SCRIPT, 'utf8'),
    ...(config.provision.siteHook
      ? {
          siteHook: {
            name: basename(config.provision.siteHook),
            script: readConfiguredFile('provision.siteHook', config.provision.siteHook),
          },
        }
      : {}),
  };
}

function readConfiguredFile(key: string, path: string): string {
  try {
    return readBoundedFile(path);
  } catch (error) {
    throw new CliError(`cannot read ${key} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
