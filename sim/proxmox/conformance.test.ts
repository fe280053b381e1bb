// The Proxmox simulator answers as Proxmox VE does, driven through the real proxmox-api client:
// what PVE accepts is accepted, what it rejects is rejected with the same status and body shape.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxmoxSim } from './index.ts';
import type { ProxmoxSim } from './index.ts';
import { failureOf, rawClient, waitForTask } from './test-client.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0c2ltdWxhdG9yLXRlc3Qta2V5LW9ubHk runnerbot@test';

describe('Proxmox simulator conformance', () => {
  let sim: ProxmoxSim;
  beforeEach(async () => {
    sim = await startProxmoxSim({ timing: { taskMs: 20, agentBootMs: 20 } });
  });
  afterEach(async () => {
    await sim.close();
  });

  async function cloneTemplate(newid: number, name = `runner-${newid}`): Promise<string> {
    const api = rawClient(sim);
    return api.nodes.$('pve1').qemu.$(9000).clone.$post({ newid, name, pool: 'runners', full: true, target: 'pve1' });
  }

  it('accepts a valid clone, returns a real UPID and finishes the task with OK', async () => {
    const api = rawClient(sim);
    const upid = await cloneTemplate(101);
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:runnerbot@pve!runnerbot:$/);
    const status = await waitForTask(api, 'pve1', upid);
    expect(status.exitstatus).toBe('OK');
    expect(sim.vm(101)).toMatchObject({ node: 'pve1', pool: 'runners', config: { name: 'runner-101' } });
    expect(sim.vm(101)?.config.lock).toBeUndefined();
  });

  it('accepts a config change with a percent-encoded sshkeys and stores it encoded', async () => {
    const api = rawClient(sim);
    await waitForTask(api, 'pve1', await cloneTemplate(101));
    await api.nodes
      .$('pve1')
      .qemu.$(101)
      .config.$put({
        sshkeys: encodeURIComponent(KEY),
        ciuser: 'runnerbot',
        tags: 'gitlab-runner;runnerbot',
        ipconfig0: 'ip=dhcp',
        agent: '1',
        ciupgrade: false,
        memory: '4096',
        cores: 4,
      });
    const config = await api.nodes.$('pve1').qemu.$(101).config.$get();
    expect(decodeURIComponent(String(config.sshkeys))).toBe(KEY);
    expect(config).toMatchObject({ cores: 4, memory: '4096', tags: 'gitlab-runner;runnerbot', ciupgrade: 0 });
  });

  it('rejects an sshkeys value that is not percent-encoded with 400 and the errors body', async () => {
    const api = rawClient(sim);
    await waitForTask(api, 'pve1', await cloneTemplate(101));
    const failure = await failureOf(api.nodes.$('pve1').qemu.$(101).config.$put({ sshkeys: KEY }));
    expect(failure).toEqual({
      status: 400,
      message: 'Parameter verification failed.',
      errors: { sshkeys: `invalid format - invalid urlencoded string: ${KEY}\n` },
    });
  });

  it('rejects an unknown parameter and a missing required one with 400', async () => {
    const api = rawClient(sim);
    const unknown = await failureOf(
      api.nodes
        .$('pve1')
        .qemu.$(9000)
        .clone.$post({ newid: 101, flavour: 'large' } as never),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.errors).toEqual({
      flavour: 'property is not defined in schema and the schema does not allow additional properties',
    });
    const missing = await failureOf(
      api.nodes
        .$('pve1')
        .qemu.$(9000)
        .clone.$post({ name: 'x' } as never),
    );
    expect(missing.errors).toEqual({ newid: 'property is missing and it is not optional' });
  });

  it('rejects wrong types and formats: booleans are 0/1, tags and ipconfig are checked', async () => {
    const api = rawClient(sim);
    await waitForTask(api, 'pve1', await cloneTemplate(101));
    const failure = await failureOf(
      api.nodes
        .$('pve1')
        .qemu.$(101)
        .config.$put({
          agent: 'maybe',
          ciupgrade: 'yes',
          tags: 'ok;not ok!',
          ipconfig0: 'ip=10.0.0.300/24',
          cores: 'two',
        } as never),
    );
    expect(failure.status).toBe(400);
    expect(failure.errors).toMatchObject({
      ciupgrade: "type check ('boolean') failed - got 'yes'",
      cores: "type check ('integer') failed - got 'two'",
      tags: 'invalid format - invalid characters in tag\n',
    });
    expect(failure.errors?.agent).toMatch(/^invalid format - (value without key|format error)/);
    expect(failure.errors?.ipconfig0).toMatch(
      /^invalid format - unable to parse ip config: format error\nip: invalid format - value does not look like a valid ipv4 network configuration/,
    );
    const badVmid = await failureOf(api.nodes.$('pve1').qemu.$(99).config.$get());
    expect(badVmid.errors).toEqual({ vmid: 'invalid format - value does not look like a valid VM ID\n' });
  });

  it('fails a clone into a VMID that exists with 500, as qemu-server does before forking', async () => {
    const api = rawClient(sim);
    await waitForTask(api, 'pve1', await cloneTemplate(101));
    const failure = await failureOf(cloneTemplate(101, 'other'));
    expect(failure).toEqual({ status: 500, message: 'unable to create VM 101: config file already exists' });
  });

  it('holds the clone lock while the clone runs: a config change fails, then succeeds', async () => {
    sim.timing.cloneTaskMs = 300;
    const api = rawClient(sim);
    const upid = await cloneTemplate(101);
    expect((await api.nodes.$('pve1').qemu.$(101).config.$get()).lock).toBe('clone');
    const failure = await failureOf(api.nodes.$('pve1').qemu.$(101).config.$put({ cores: 4 }));
    expect(failure).toEqual({ status: 500, message: 'VM is locked (clone)' });
    await waitForTask(api, 'pve1', upid);
    await api.nodes.$('pve1').qemu.$(101).config.$put({ cores: 4 });
    expect(sim.vm(101)?.config.cores).toBe('4');
  });

  it('answers the guest agent with 500 until the VM has booted, then lists lo, eth0 and later docker0', async () => {
    sim.timing.agentBootMs = 150;
    sim.timing.dockerAfterMs = 150;
    const api = rawClient(sim);
    await waitForTask(api, 'pve1', await cloneTemplate(101));
    const agent = () => api.nodes.$('pve1').qemu.$(101).agent['network-get-interfaces'].$get();
    expect(await failureOf(agent())).toEqual({ status: 500, message: 'VM 101 is not running' });
    await waitForTask(api, 'pve1', await api.nodes.$('pve1').qemu.$(101).status.start.$post());
    expect(await failureOf(agent())).toEqual({ status: 500, message: 'QEMU guest agent is not running' });
    let answer: { result?: Array<{ name: string }> } | undefined;
    while (!answer)
      answer = await agent().catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 20)));
    expect(answer.result?.map((i) => i.name)).toEqual(['lo', 'eth0']);
    await new Promise((resolve) => setTimeout(resolve, 170));
    expect(((await agent()) as { result: Array<{ name: string }> }).result.map((i) => i.name)).toEqual([
      'lo',
      'eth0',
      'docker0',
    ]);
  });

  it('lets two callers get the same nextid; the second clone into it fails (a race, not a reservation)', async () => {
    const api = rawClient(sim);
    const [first, second] = await Promise.all([api.cluster.nextid.$get(), api.cluster.nextid.$get()]);
    expect(first).toBe(second);
    await cloneTemplate(Number(first));
    expect((await failureOf(cloneTemplate(Number(second), 'other'))).message).toBe(
      `unable to create VM ${second}: config file already exists`,
    );
    const taken = await failureOf(api.cluster.nextid.$get({ vmid: Number(first) }));
    expect(taken).toEqual({
      status: 400,
      message: 'Parameter verification failed.',
      errors: { vmid: `VM ${first} already exists` },
    });
    expect(await api.cluster.nextid.$get({ vmid: 150 })).toBe('150');
  });

  it('answers 500 for a VM that does not exist, on DELETE and on start', async () => {
    const api = rawClient(sim);
    const expected = { status: 500, message: "Configuration file 'nodes/pve1/qemu-server/555.conf' does not exist" };
    expect(
      await failureOf(api.nodes.$('pve1').qemu.$(555).$delete({ purge: true, 'destroy-unreferenced-disks': true })),
    ).toEqual(expected);
    expect(await failureOf(api.nodes.$('pve1').qemu.$(555).status.start.$post())).toEqual(expected);
  });

  it('refuses an unknown token with 401 and a token without privileges with 403 naming the privilege', async () => {
    const stranger = await failureOf(
      rawClient(sim, { id: 'runnerbot@pve!other', secret: randomUUID() }).cluster.resources.$get(),
    );
    expect(stranger.status).toBe(401);
    const wrongSecret = await failureOf(
      rawClient(sim, { id: sim.token.id, secret: randomUUID() }).cluster.resources.$get(),
    );
    expect(wrongSecret).toMatchObject({ status: 401, message: 'invalid token value!' });

    await sim.close();
    const weak = { id: 'runnerbot@pve!weak', secret: randomUUID(), privileges: ['VM.Audit'] };
    sim = await startProxmoxSim({ tokens: [weak] });
    const failure = await failureOf(
      rawClient(sim, weak).nodes.$('pve1').qemu.$(9000).clone.$post({ newid: 101, name: 'x', pool: 'runners' }),
    );
    expect(failure).toEqual({ status: 403, message: 'Permission check failed (/vms/9000, VM.Clone)' });
  });

  it('lists VMs and nodes in /cluster/resources with tags, pool and free memory', async () => {
    const api = rawClient(sim);
    await waitForTask(api, 'pve1', await cloneTemplate(101));
    const resources = await api.cluster.resources.$get();
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'qemu', vmid: 9000, template: 1, node: 'pve1' }),
        expect.objectContaining({ type: 'qemu', vmid: 101, template: 0, pool: 'runners', name: 'runner-101' }),
        expect.objectContaining({
          type: 'node',
          node: 'pve1',
          status: 'online',
          maxmem: 128 * 1024 ** 3,
          mem: 64 * 1024 ** 3,
        }),
      ]),
    );
  });
});
