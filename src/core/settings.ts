// What the steps need to know from configuration, as plain data (src/composition/provision-settings.ts maps the config here).

export interface ProvisionSettings {
  proxmox: {
    nodes: string[];
    templateVmid: number;
    /** A template per node when storage is not shared: node -> VMID. */
    templates: Record<string, number>;
    templateNode: string;
    pool: string;
    vmidRange: { min: number; max: number };
    storage?: string;
    bridge: string;
    disk: string;
    ipconfig: string;
    fullClone: boolean;
  };
  ssh: { user: string; publicKey: string; port: number };
  gitlab: {
    maximumTimeout?: number;
    /** How long a runner create whose answer was lost may still complete in GitLab; default 60 s. */
    createSettleMs?: number;
  };
  /** Present when new runners must pass the validation pipeline before they take jobs. */
  validation?: ValidationSettings;
  onFailure: 'keep' | 'destroy';
  managementNetworks: string[];
  prometheusNetworks: string[];
  sources: {
    aptMirror: string;
    /** Where the security updates come from when `aptMirror` replaces the template's sources. */
    aptSecurityMirror: string;
    dockerSource: 'docker' | 'debian';
    dockerAptRepo: string;
    dockerVersion: string;
    runnerVersion: string;
    registryMirror: string;
    runnerAptRepo: string;
    nodeExporterPackage: string;
    cadvisorImage: string;
  };
  gitlabUrl: string;
  timeouts: {
    taskMs: number;
    lockMs: number;
    agentMs: number;
    sshMs: number;
    cloudInitMs: number;
    phaseMs: number;
    drainJobsMs: number;
  };
  pollMs: number;
}

export interface ValidationSettings {
  projectId: number;
  ref: string;
  /** A runner under validation carries the one tag PREFIX + its name. */
  tagPrefix: string;
  timeoutMs: number;
}
