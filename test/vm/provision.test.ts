// `npm run test:vm`: one runner provisioned through the real CLI onto a real Debian VM (QEMU, TCG)
// and checked over SSH for what the fake VMs can only pretend: packages, units, Docker, ufw with
// the guest kernel's netfilter, a reboot, re-runs that change nothing, real-world apt hiccups.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rawClient, waitForTask } from '../../sim/proxmox/test-client.ts';
import { CADVISOR_IMAGE, MANAGEMENT, sleep, startVmWorld, type VmWorld } from './world.ts';

const NAME = 'gitlab-runner-vm';
const MIN = 60_000;
let world: VmWorld;

beforeAll(async () => {
  world = await startVmWorld();
}, 20 * MIN);
afterAll(() => world?.close(), 5 * MIN);

// Each test's wall time beside the QEMU CPU it cost and the machine's load: under TCG the wall
// time is mostly how many cores the VM got, the CPU seconds are the guest's own work.
let started = { at: 0, cpu: 0 };
beforeEach(async () => void (started = { at: Date.now(), cpu: (await world?.qemu.cpuSeconds()) ?? 0 }));
afterEach(async (context) => {
  const cpu = ((await world.qemu.cpuSeconds()) - started.cpu).toFixed(0);
  const wall = ((Date.now() - started.at) / 1000).toFixed(0);
  console.log(`[vm] ${context.task.name}: ${wall} s, QEMU ${cpu} CPU-s, load ${loadavg()[0]!.toFixed(1)}`);
});

const units = ['docker', 'gitlab-runner', 'prometheus-node-exporter'];
/** The VM the first test provisioned, looked up each time so that a later test still finds it when that test failed late. */
const theVm = () => {
  const vm = [...world.sims.proxmox.state.vms.values()].find((v) => v.config.name === NAME);
  if (!vm?.ip) throw new Error(`no VM named ${NAME} with an address: the first provision did not get that far`);
  return { vmid: vm.vmid, ip: vm.ip };
};
const onVm = (command: string) => world.ssh(theVm().ip, command);

async function servicesUp(): Promise<void> {
  for (const unit of units) {
    // As root: the image, like a minimal template, has no D-Bus for an unprivileged systemctl.
    expect((await onVm(`sudo systemctl is-active ${unit}; sudo systemctl is-enabled ${unit}`)).stdout, unit).toBe(
      'active\nenabled\n',
    );
  }
  expect(
    (await onVm("sudo docker inspect --format '{{.Config.Image}} {{.State.Running}}' cadvisor")).stdout.trim(),
  ).toBe(`${CADVISOR_IMAGE} true`);
  expect((await onVm('sudo ufw status')).stdout).toMatch(/^Status: active$/m);
  const metrics = await fetch(`http://${theVm().ip}:9100/metrics`);
  expect(await metrics.text()).toMatch(/^node_uname_info\{/m);
}

/** A TCP connect from a network namespace on the VM with an address outside the management networks. */
async function connectFromOutside(port: number): Promise<number> {
  const setup =
    'ip netns list | grep -q outside || { ip netns add outside && ip link add veth-out type veth peer name veth-in' +
    ' && ip link set veth-in netns outside && ip addr add 192.0.2.1/24 dev veth-out && ip link set veth-out up' +
    ' && ip netns exec outside ip addr add 192.0.2.2/24 dev veth-in && ip netns exec outside ip link set veth-in up; }';
  const result = await onVm(
    `sudo sh -c '${setup}' && sudo ip netns exec outside timeout 5 bash -c 'echo > /dev/tcp/192.0.2.1/${port}'`,
  );
  return result.code;
}

describe('a runner on a real Debian VM', () => {
  it(
    'provisions through the CLI, surviving an apt mirror that fails once',
    async () => {
      // On two shared cores at a load of 25 this took over 40 minutes; its output shows how far it got.
      const result = await world.runnerbot(['provision', NAME], 50 * MIN);
      console.log(result.stdout);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(0);
      expect(theVm().ip).toMatch(/^127\./);
      expect(world.mirror.log[0]).toMatch(/^503 /);
      expect(world.mirror.log.filter((l) => l.startsWith('200 ')).length).toBeGreaterThan(0);
      expect(world.repo.served.requests).toEqual(
        expect.arrayContaining(['/gpgkey', '/debian/dists/bookworm/InRelease']),
      );
    },
    55 * MIN,
  );

  it(
    'installed the packages, runs Docker, and the units are active and enabled',
    async () => {
      const dpkg = await onVm(
        'dpkg -s docker.io gitlab-runner prometheus-node-exporter ufw | grep -c "^Status: install ok installed"',
      );
      expect(dpkg.stdout.trim()).toBe('4');
      expect((await onVm('sudo docker info --format {{.ServerVersion}}')).code).toBe(0);
      await servicesUp();
    },
    5 * MIN,
  );

  it(
    'config.toml is root:root 0600 and holds the runner token',
    async () => {
      expect((await onVm('sudo stat -c "%U:%G %a" /etc/gitlab-runner/config.toml')).stdout.trim()).toBe(
        'root:root 600',
      );
      expect((await onVm('sudo grep -c "token = \\"glrt-" /etc/gitlab-runner/config.toml')).stdout.trim()).toBe('1');
    },
    5 * MIN,
  );

  it(
    'ufw denies by default and allows exactly the configured networks; the kernel enforces it',
    async () => {
      const status = (await onVm('sudo ufw status verbose')).stdout;
      expect(status).toMatch(/^Default: deny \(incoming\)/m);
      const rules = status
        .split('\n')
        .filter((l) => /ALLOW IN/.test(l))
        .map((l) => l.replace(/\s+/g, ' ').trim());
      expect(rules.sort()).toEqual(
        [
          '22/tcp ALLOW IN 10.0.2.2',
          '8080/tcp ALLOW IN 10.0.2.2',
          '9100/tcp ALLOW IN 10.0.2.2',
          '9252/tcp ALLOW IN 10.0.2.2',
        ].sort(),
      );
      expect(MANAGEMENT).toBe('10.0.2.2/32');
      expect(await connectFromOutside(22)).not.toBe(0);
      expect(await connectFromOutside(9100)).not.toBe(0);
      // From inside (QEMU's forward arrives from 10.0.2.2): SSH is this very session, :9100 answers.
      expect((await fetch(`http://${theVm().ip}:9100/metrics`)).status).toBe(200);
    },
    5 * MIN,
  );

  it(
    'comes back with everything active after qm reboot through the simulator',
    async () => {
      const api = rawClient(world.sims.proxmox);
      const upid = await api.nodes.$('pve1').qemu.$(theVm().vmid).status.reboot.$post();
      expect((await waitForTask(api, 'pve1', upid)).exitstatus).toBe('OK');
      // ssh exits 255 while the VM is not answering yet (a timeout is -1); then wait for the boot to end.
      const unreachable = (code: number) => code === 255 || code === -1;
      for (let i = 0; i < 120 && unreachable((await onVm('systemctl is-system-running --wait')).code); i++)
        await sleep(5000);
      await servicesUp();
    },
    20 * MIN,
  );

  it(
    'a second provision applies nothing',
    async () => {
      const result = await world.runnerbot(['provision', NAME]);
      console.log(result.stdout);
      expect(result.code, result.stdout).toBe(0);
      // verify runs every time (its ✓ is the check itself); every other step must find its work done.
      expect(result.stdout).not.toMatch(/✓ (?!verify )/);
    },
    20 * MIN,
  );

  it(
    'recovers from a dpkg killed mid-install',
    async () => {
      await onVm('sudo apt-get remove -y -q prometheus-node-exporter >/dev/null 2>&1');
      const kill =
        'apt-get install -y -q --no-install-recommends prometheus-node-exporter >/dev/null 2>&1 & ' +
        'until pgrep -f "[d]pkg.*--unpack" >/dev/null; do sleep 0.1; done; sleep 0.5; pkill -9 -f "[d]pkg.*--unpack"; pkill -9 apt-get; wait; ls /var/lib/dpkg/updates | wc -l';
      expect(Number((await onVm(`sudo sh -c '${kill}'`)).stdout.trim())).toBeGreaterThan(0);
      const result = await world.runnerbot(['provision', NAME]);
      expect(result.code, result.stdout).toBe(0);
      await servicesUp();
    },
    20 * MIN,
  );

  it(
    'waits for another apt holding the lock',
    async () => {
      await onVm('sudo apt-get remove -y -q prometheus-node-exporter >/dev/null 2>&1');
      await onVm(
        'sudo sh -c \'nohup apt-get -o DPkg::Pre-Invoke::="sleep 45" install --reinstall -y -q less >/tmp/holder.log 2>&1 &\' ;' +
          // It holds the lock once its pre-invoke hook runs (after its download: seconds to minutes here).
          ' for i in $(seq 300); do pgrep -xf "sleep 45" >/dev/null && break; sleep 1; done',
      );
      const result = await world.runnerbot(['provision', NAME]);
      expect(result.code, result.stdout).toBe(0);
      expect((await onVm('grep -c "Setting up less" /tmp/holder.log')).stdout.trim()).toBe('1');
      await servicesUp();
    },
    20 * MIN,
  );

  it(
    'deprovision ends the QEMU process and removes its disk',
    async () => {
      const { vmid } = theVm();
      const disk = world.qemu.vm(vmid)!.disk;
      const proc = world.qemu.vm(vmid)!.process!;
      const result = await world.runnerbot(['deprovision', NAME, '--yes']);
      expect(result.code, result.stdout).toBe(0);
      expect(proc.exitCode !== null || proc.signalCode !== null).toBe(true);
      expect(existsSync(disk)).toBe(false);
      expect(world.qemu.vm(vmid)).toBeUndefined();
    },
    10 * MIN,
  );
});
