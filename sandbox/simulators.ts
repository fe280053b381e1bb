// The vendor simulators the sandbox (and `npm run sim`) runs: Proxmox VE with fake runner VMs
// where sshd can run, GitLab, and a Slack workspace with the sandbox's people and channels.
import { startGitlabSim, type GitlabSim, type SimAccessToken } from '../sim/gitlab/index.ts';
import { startProxmoxSim, type ProxmoxSim } from '../sim/proxmox/index.ts';
import { startSlackSim, type SlackSim } from '../sim/slack/index.ts';
import { createVmFarm, type VmFarm } from '../sim/vm/index.ts';
import { slackWorkspace } from './people.ts';

export const PROXMOX_LAYOUT = {
  node: 'pve1',
  pool: 'gitlab-runners',
  template: { vmid: 9000, name: 'debian-12-cloudinit' },
  vmidRange: { min: 5000, max: 5099 },
};

export interface Simulators {
  proxmox: ProxmoxSim;
  gitlab: GitlabSim;
  slack: SlackSim;
  /** Absent when this machine cannot run sshd for the fake VMs. */
  farm?: VmFarm;
  stop(): Promise<void>;
}

export interface SimulatorOptions {
  vmFarm: boolean;
  /** The fake VMs' gitlab-runner asks GitLab for jobs this often (default: never). */
  jobPollMs?: number;
  /** GitLab's access tokens (default: the simulator's admin token). */
  gitlabTokens?: SimAccessToken[];
}

export async function startSimulators(options: SimulatorOptions): Promise<Simulators> {
  const farm = options.vmFarm
    ? await createVmFarm(options.jobPollMs === undefined ? {} : { jobPollMs: options.jobPollMs })
    : undefined;
  const [proxmox, gitlab, slack] = await Promise.all([
    startProxmoxSim({
      nodes: [{ name: PROXMOX_LAYOUT.node }],
      pools: [PROXMOX_LAYOUT.pool],
      templates: [
        { vmid: PROXMOX_LAYOUT.template.vmid, node: PROXMOX_LAYOUT.node, name: PROXMOX_LAYOUT.template.name },
      ],
      ...(farm ? { vmHost: farm } : {}),
    }),
    startGitlabSim(options.gitlabTokens ? { tokens: options.gitlabTokens } : {}),
    startSlackSim({ ...slackWorkspace, transport: 'socket' }),
  ]);
  return {
    proxmox,
    gitlab,
    slack,
    ...(farm ? { farm } : {}),
    stop: async () => {
      await Promise.allSettled([slack.close(), gitlab.close(), proxmox.close()]);
      await farm?.close();
    },
  };
}
