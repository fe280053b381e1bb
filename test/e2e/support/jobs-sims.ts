// The simulated world of the jobs end-to-end tests: the sandbox's Proxmox VE layout, GitLab and
// Slack, and (optionally) the farm of fake VMs with real sshd, booted through a hook so a test can
// prepare a VM's disk before anything connects to it (see vm-holds.ts).
import { PROXMOX_LAYOUT, type Simulators } from '../../../sandbox/simulators.ts';
import { slackWorkspace } from '../../../sandbox/people.ts';
import { startGitlabSim } from '../../../sim/gitlab/index.ts';
import { startProxmoxSim } from '../../../sim/proxmox/index.ts';
import { startSlackSim } from '../../../sim/slack/index.ts';
import { createVmFarm, type SimVm, type VmFarm } from '../../../sim/vm/index.ts';
import type { VmHost } from '../../../sim/vm-host.ts';

/** Runs after the farm boots a VM and before the guest agent reports its address. */
export type BootHook = (vm: SimVm) => Promise<void>;

export interface JobsSimulators extends Simulators {
  /** Calls `hook` when the VM named `name` boots (once); returns a function that removes it. */
  onBoot(name: string, hook: BootHook): () => void;
}

function hookedHost(farm: VmFarm, hooks: Map<string, BootHook>): VmHost {
  return {
    async boot(request) {
      const booted = await farm.boot(request);
      const hook = hooks.get(request.name);
      hooks.delete(request.name);
      await hook?.(farm.vm(request.vmid));
      return booted;
    },
    halt: (vmid) => farm.halt(vmid),
    destroy: (vmid) => farm.destroy(vmid),
  };
}

export async function startJobsSimulators(options: { vmFarm: boolean }): Promise<JobsSimulators> {
  const hooks = new Map<string, BootHook>();
  const farm = options.vmFarm ? await createVmFarm() : undefined;
  const [proxmox, gitlab, slack] = await Promise.all([
    startProxmoxSim({
      nodes: [{ name: PROXMOX_LAYOUT.node }],
      pools: [PROXMOX_LAYOUT.pool],
      templates: [
        { vmid: PROXMOX_LAYOUT.template.vmid, node: PROXMOX_LAYOUT.node, name: PROXMOX_LAYOUT.template.name },
      ],
      ...(farm ? { vmHost: hookedHost(farm, hooks) } : {}),
    }),
    startGitlabSim(),
    startSlackSim({ ...slackWorkspace, transport: 'socket' }),
  ]);
  return {
    proxmox,
    gitlab,
    slack,
    ...(farm ? { farm } : {}),
    onBoot(name, hook) {
      hooks.set(name, hook);
      return () => hooks.delete(name);
    },
    stop: async () => {
      await Promise.allSettled([slack.close(), gitlab.close(), proxmox.close()]);
      await farm?.close();
    },
  };
}
