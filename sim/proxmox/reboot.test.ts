// `qm reboot` and a host-backed guest agent: the simulator restarts the VM's machine through its
// VmHost (with the VM's whole config, for a cloud-init seed) and answers network-get-interfaces
// from the host's real agent when the host has one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BootRequest, VmHost } from '../vm-host.ts';
import { startProxmoxSim, type ProxmoxSim } from './index.ts';
import { failureOf, rawClient, waitForTask } from './test-client.ts';

function recordingHost(): VmHost & { calls: string[]; configs: BootRequest[]; agentUp: boolean } {
  const host = {
    calls: [] as string[],
    configs: [] as BootRequest[],
    agentUp: false,
    boot: async (req: BootRequest) => (
      host.calls.push(`boot ${req.vmid}`),
      host.configs.push(req),
      { ip: '127.9.9.9' }
    ),
    halt: async (vmid: number) => void host.calls.push(`halt ${vmid}`),
    destroy: async (vmid: number) => void host.calls.push(`destroy ${vmid}`),
    reboot: async (req: BootRequest) => void host.calls.push(`reboot ${req.vmid}`),
    agentInterfaces: async () => {
      if (!host.agentUp) throw new Error('connection refused');
      return [{ name: 'eth0', 'ip-addresses': [{ 'ip-address': '127.9.9.9', 'ip-address-type': 'ipv4', prefix: 24 }] }];
    },
  };
  return host;
}

describe('Proxmox simulator: reboot and a real guest agent', () => {
  let sim: ProxmoxSim;
  let host: ReturnType<typeof recordingHost>;
  beforeEach(async () => {
    host = recordingHost();
    sim = await startProxmoxSim({ timing: { taskMs: 10, agentBootMs: 10 }, vmHost: host });
  });
  afterEach(() => sim.close());

  async function startedVm(): Promise<ReturnType<typeof rawClient>> {
    const api = rawClient(sim);
    await waitForTask(
      api,
      'pve1',
      await api.nodes
        .$('pve1')
        .qemu.$(9000)
        .clone.$post({ newid: 101, name: 'runner-101', pool: 'runners', full: true }),
    );
    await api.nodes.$('pve1').qemu.$(101).config.$put({ ciuser: 'runnerbot', ipconfig0: 'ip=dhcp', ciupgrade: false });
    return api;
  }

  it('refuses to reboot a stopped VM as PVE does', async () => {
    const api = await startedVm();
    expect(await failureOf(api.nodes.$('pve1').qemu.$(101).status.reboot.$post())).toEqual({
      status: 500,
      message: 'VM 101 not running',
    });
    expect(host.calls).toEqual([]);
  });

  it('boots with the whole config, reboots through the host, and relays the host agent (500 until it answers)', async () => {
    const api = await startedVm();
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(101).status.start.$post());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(host.configs[0]?.config).toMatchObject({
      ciuser: 'runnerbot',
      ipconfig0: 'ip=dhcp',
      ciupgrade: '0',
      net0: expect.stringMatching(/^virtio=[0-9A-F:]{17},bridge=vmbr0$/),
    });
    const agent = () => api.nodes.$('pve1').qemu.$(101).agent['network-get-interfaces'].$get();
    expect(await failureOf(agent())).toEqual({ status: 500, message: 'QEMU guest agent is not running' });
    host.agentUp = true;
    expect(await agent()).toEqual({
      result: [
        { name: 'eth0', 'ip-addresses': [{ 'ip-address': '127.9.9.9', 'ip-address-type': 'ipv4', prefix: 24 }] },
      ],
    });

    const upid = await api.nodes.$('pve1').qemu.$(101).status.reboot.$post();
    expect(upid).toMatch(/:qmreboot:101:/);
    expect((await waitForTask(api, 'pve1', upid)).exitstatus).toBe('OK');
    expect(host.calls).toEqual(['boot 101', 'reboot 101']);
    expect(sim.vm(101)?.status).toBe('running');
  });
});
