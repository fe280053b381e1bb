// The Proxmox adapter against the simulator: TLS trust per client, sshkeys encoding, the guest
// address it picks, and how Proxmox's answers become coded errors (never carrying the secret).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxmoxHypervisor, encodeSshKeys } from '../../../src/provisioner/proxmox.ts';
import { startProxmoxSim } from '../../../sim/proxmox/index.ts';
import type { ProxmoxSim } from '../../../sim/proxmox/index.ts';
import { TEST_KEY, proxmoxFor } from '../../../sim/proxmox/harness.ts';

const settings = {
  cores: 2,
  memoryMiB: 2048,
  tags: ['gitlab-runner', 'runnerbot'],
  ciuser: 'runnerbot',
  sshPublicKey: `${TEST_KEY}+extra/=`,
  ipconfig0: 'ip=dhcp',
};

describe('Proxmox adapter', () => {
  let sim: ProxmoxSim;
  beforeAll(async () => {
    sim = await startProxmoxSim({
      timing: { taskMs: 10, agentBootMs: 20, dockerAfterMs: 0 },
      vms: [{ vmid: 1001, node: 'pve1', name: 'plain', pool: 'runners' }],
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('trusts the Proxmox certificate only through the CA given to this client', async () => {
    const noCa = createProxmoxHypervisor({
      url: sim.url,
      tokenId: sim.token.id,
      tokenSecret: sim.token.secret,
      pollMs: 10,
    });
    await expect(noCa.listNodes()).rejects.toMatchObject({
      code: 'STEP.TRANSIENT',
      message: expect.stringMatching(/certificate/i),
    });
    const insecure = createProxmoxHypervisor({
      url: sim.url,
      tokenId: sim.token.id,
      tokenSecret: sim.token.secret,
      insecure: true,
    });
    expect(await insecure.listNodes()).toEqual([{ node: 'pve1', online: true, freeMemoryBytes: 64 * 1024 ** 3 }]);
  });

  it('percent-encodes sshkeys exactly as PVE expects, so the stored value decodes to the key', async () => {
    const proxmox = proxmoxFor(sim);
    await proxmox.setVmConfig('pve1', 1001, settings);
    const stored = sim.vm(1001)!.config.sshkeys!;
    expect(stored).toBe(encodeSshKeys(settings.sshPublicKey));
    expect(stored).toMatch(/^[-%a-zA-Z0-9_.!~*'()]+$/);
    expect(decodeURIComponent(stored)).toBe(settings.sshPublicKey);
  });

  it('reports the guest IPv4 of eth0 once the agent answers, skipping lo, docker0 and IPv6', async () => {
    const proxmox = proxmoxFor(sim);
    expect(await proxmox.guestIpv4('pve1', 1001)).toBeNull();
    await proxmox.waitTask(await proxmox.startVm('pve1', 1001), 5000);
    let ip: string | null = null;
    while (ip === null) ip = await proxmox.guestIpv4('pve1', 1001);
    expect(ip).toBe(sim.vm(1001)?.ip);
    expect(ip).not.toBe('172.17.0.1');
    await proxmox.waitTask(await proxmox.stopVm('pve1', 1001), 5000);
    expect(await proxmox.getVmStatus('pve1', 1001)).toBe('stopped');
  });

  it('answers absent and null for a VM that does not exist; isVmidFree follows nextid', async () => {
    const proxmox = proxmoxFor(sim);
    expect(await proxmox.getVmStatus('pve1', 4242)).toBe('absent');
    expect(await proxmox.deleteVm('pve1', 4242)).toBeNull();
    expect(await proxmox.isVmidFree(1001)).toBe(false);
    expect(await proxmox.isVmidFree(4242)).toBe(true);
  });

  it('turns a 400 into a permanent error naming the parameter, and a locked VM into a transient one', async () => {
    const proxmox = proxmoxFor(sim);
    await expect(
      proxmox.setVmConfig('pve1', 1001, { ...settings, ipconfig0: 'ip=300.1.1.1/24' }),
    ).rejects.toMatchObject({
      code: 'STEP.UNRECOVERABLE',
      transient: false,
      message: expect.stringMatching(
        /^Proxmox rejected the parameters to configure VM 1001: ipconfig0: invalid format/,
      ),
    });
    sim.timing.cloneTaskMs = 300;
    const clone = await proxmox.cloneVm({
      templateNode: 'pve1',
      templateVmid: 9000,
      newid: 1002,
      name: 'locked',
      targetNode: 'pve1',
      pool: 'runners',
      full: true,
    });
    await expect(proxmox.setVmConfig('pve1', 1002, settings)).rejects.toMatchObject({
      code: 'STEP.TRANSIENT',
      transient: true,
      message: expect.stringContaining('VM is locked (clone)'),
    });
    await proxmox.waitTask(clone, 5000);
    await proxmox.setVmConfig('pve1', 1002, settings);
  });

  it('makes a refused token a permanent PROXMOX.FORBIDDEN without the secret; dropped connections are transient', async () => {
    const secret = randomUUID();
    const stranger = createProxmoxHypervisor({
      url: sim.url,
      tokenId: 'runnerbot@pve!nope',
      tokenSecret: secret,
      ca: sim.caPem,
    });
    const refused = await stranger.listVms().then(
      () => new Error('the token was accepted'),
      (e: unknown) => e as Error,
    );
    expect(refused).toMatchObject({
      code: 'PROXMOX.FORBIDDEN',
      transient: false,
      message: expect.stringContaining('runnerbot@pve!nope'),
    });
    expect(JSON.stringify({ message: refused.message, stack: refused.stack })).not.toContain(secret);

    sim.faults.set('GET /cluster/resources', { dropRate: 1, times: 2 });
    await expect(proxmoxFor(sim).listVms()).rejects.toMatchObject({ code: 'STEP.TRANSIENT', transient: true });
  });
});
