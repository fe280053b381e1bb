// Task polling against the Proxmox simulator: a short task is seen finished after a short
// pause even when the configured poll interval is long, and a long task is not asked about more
// often than the interval allows once the first quick polls are spent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxmoxHypervisor } from '../../../src/provisioner/proxmox.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';

describe('waitTask polling', () => {
  let sim: ProxmoxSim;
  beforeAll(async () => {
    sim = await startProxmoxSim({
      timing: { taskMs: 30, agentBootMs: 20, dockerAfterMs: 0 },
      vms: [{ vmid: 1101, node: 'pve1', name: 'poll', pool: 'runners' }],
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  const statusPolls = (upid: string) =>
    sim.requests.filter((r) => r.method === 'GET' && r.path === `/nodes/pve1/tasks/${upid}/status`).length;
  const client = (pollMs: number) =>
    createProxmoxHypervisor({
      url: sim.url,
      tokenId: sim.token.id,
      tokenSecret: sim.token.secret,
      ca: sim.caPem,
      pollMs,
    });

  it('sees a 30 ms task finished within a few quick polls, although pollMs is a minute', async () => {
    // With a fixed interval the second poll would come after 60 s, past this test's timeout.
    const proxmox = client(60_000);
    const task = await proxmox.startVm('pve1', 1101);
    await proxmox.waitTask(task, 120_000);
    expect(statusPolls(task.upid)).toBeGreaterThanOrEqual(1);
    expect(statusPolls(task.upid)).toBeLessThanOrEqual(4);
    await proxmox.waitTask(await proxmox.stopVm('pve1', 1101), 120_000);
  });
});
