// The configuration as the provisioning steps see it (ProvisionSettings is plain data in the core).
import type { Config } from '../config.ts';
import type { ProvisionSettings } from '../core/settings.ts';

/** `sshPublicKey` is LoadedConfig.sshPublicKey, read for the worker role. */
export function toProvisionSettings(config: Config, sshPublicKey: string): ProvisionSettings {
  const { proxmox, provision } = config;
  const ms = (seconds: number) => seconds * 1000;
  return {
    proxmox: {
      nodes: proxmox.nodes,
      templateVmid: proxmox.templateVmid,
      templates: proxmox.templates,
      templateNode: proxmox.templateNode,
      pool: proxmox.pool,
      vmidRange: proxmox.vmidRange,
      ...(proxmox.storage ? { storage: proxmox.storage } : {}),
      bridge: proxmox.bridge,
      disk: proxmox.disk,
      ipconfig: proxmox.ipconfig,
      fullClone: proxmox.fullClone,
    },
    ssh: { user: config.ssh.user, publicKey: sshPublicKey, port: config.ssh.port },
    gitlab: config.gitlab.maximumTimeout ? { maximumTimeout: config.gitlab.maximumTimeout } : {},
    ...(config.validation
      ? {
          validation: {
            projectId: config.validation.projectId,
            ref: config.validation.ref,
            tagPrefix: config.validation.tagPrefix,
            timeoutMs: ms(config.validation.timeoutSeconds),
          },
        }
      : {}),
    onFailure: provision.onFailure,
    managementNetworks: provision.managementNetworks,
    prometheusNetworks: provision.prometheusNetworks,
    sources: {
      aptMirror: provision.aptMirror,
      aptSecurityMirror: provision.aptSecurityMirror,
      dockerSource: provision.dockerSource,
      dockerAptRepo: provision.dockerAptRepo,
      dockerVersion: provision.dockerVersion,
      runnerVersion: provision.runnerVersion,
      registryMirror: provision.registryMirror,
      runnerAptRepo: provision.runnerAptRepo,
      nodeExporterPackage: provision.nodeExporterPackage,
      cadvisorImage: provision.cadvisorImage,
    },
    gitlabUrl: config.gitlab.url,
    timeouts: {
      taskMs: ms(provision.timeouts.taskSeconds),
      lockMs: ms(provision.timeouts.lockSeconds),
      agentMs: ms(provision.timeouts.agentSeconds),
      sshMs: ms(provision.timeouts.sshSeconds),
      cloudInitMs: ms(provision.timeouts.cloudInitSeconds),
      phaseMs: ms(provision.timeouts.phaseSeconds),
      drainJobsMs: ms(provision.timeouts.drainJobsSeconds),
    },
    pollMs: provision.pollMs,
  };
}
