// A VmHost that backs each simulated VM with a real QEMU machine (TCG): a copy-on-write disk over
// the Debian image from scripts/vm/build-image.sh, the NoCloud seed Proxmox would write for the
// VM's config, a guest-agent channel, and user-mode networking with the guest's SSH (:22) and
// metrics ports (:9100 :8080 :9252) forwarded from the same ports on 127.X.Y.N. The simulator
// reports 127.X.Y.N as the VM's IP, as a NAT in front of the VM would: the guest itself only
// knows its user-mode address (10.0.2.15).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BootRequest, VmHost } from '../vm-host.ts';
import { agentCommand } from './agent.ts';
import { noCloudSeed } from './cloud-init.ts';
import { ensureImage, type VmImage } from './image.ts';

const run = promisify(execFile);

/** The address QEMU's user-mode network gives the guest; the host is 10.0.2.2 from inside. */
export const GUEST_ADDRESS = '10.0.2.15';
export const HOST_FROM_GUEST = '10.0.2.2';

/**
 * The guest ports the host side reaches, each on the same port of the VM's own loopback address:
 * the port runnerbot connects to is the port the VM's firewall must open, as on a real network.
 */
const FORWARDED_PORTS = [22, 9100, 8080, 9252];
const forwards = (ip: string): string => FORWARDED_PORTS.map((p) => `hostfwd=tcp:${ip}:${p}-:${p}`).join(',');

export interface QemuHostOptions {
  memoryMb?: number;
  /** Packages baked into the image beyond a cloud template's (see scripts/vm/build-image.sh). */
  imageExtra?: string;
  /** Parent of the VMs' directories (disks, seeds, sockets, consoles). Default: the temp dir. */
  baseDir?: string;
}

export interface QemuVm {
  vmid: number;
  ip: string;
  dir: string;
  disk: string;
  process?: ChildProcess;
}

export interface QemuHost extends VmHost {
  /** 22: each VM has its own loopback address, so they share the port as real VMs do. */
  readonly sshPort: number;
  readonly image: VmImage;
  vm(vmid: number): QemuVm | undefined;
  console(vmid: number): Promise<string>;
  /** CPU seconds every QEMU process of this host has used: the guest's work, whatever the load. */
  cpuSeconds(): Promise<number>;
  close(): Promise<void>;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([exited(child).then(() => true as const), timeout]);
  clearTimeout(timer);
  return done;
}

/** utime + stime of a live process, from /proc (in USER_HZ ticks, 100 on Linux). */
async function cpuOf(child: ChildProcess | undefined): Promise<number> {
  if (!child?.pid) return 0;
  const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100 || 0;
}

export async function createQemuHost(options: QemuHostOptions = {}): Promise<QemuHost> {
  const image = await ensureImage(options.imageExtra);
  const base = await mkdtemp(join(options.baseDir ?? tmpdir(), 'rbt-qemu-'));
  const prefix = `127.${randomInt(16, 255)}.${randomInt(0, 256)}`;
  const vms = new Map<number, QemuVm>();
  let nextHost = 2;
  let cpuOfEnded = 0;

  async function writeSeed(vm: QemuVm, req: BootRequest): Promise<string> {
    const seed = noCloudSeed(req.config ?? {}, req.vmid);
    await writeFile(join(vm.dir, 'user-data'), seed.userData);
    await writeFile(join(vm.dir, 'network-config'), seed.networkConfig);
    await writeFile(join(vm.dir, 'meta-data'), seed.metaData);
    const img = join(vm.dir, 'seed.img');
    await run('cloud-localds', [
      '-N',
      join(vm.dir, 'network-config'),
      img,
      join(vm.dir, 'user-data'),
      join(vm.dir, 'meta-data'),
    ]);
    return img;
  }

  async function boot(req: BootRequest): Promise<{ ip: string }> {
    let vm = vms.get(req.vmid);
    if (!vm) {
      const dir = join(base, `vm-${req.vmid}`);
      await mkdir(dir);
      vm = { vmid: req.vmid, ip: `${prefix}.${nextHost++}`, dir, disk: join(dir, 'disk.qcow2') };
      await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image.rootfs, '-F', 'raw', vm.disk]);
      vms.set(req.vmid, vm);
    }
    if (vm.process && vm.process.exitCode === null && vm.process.signalCode === null) return { ip: vm.ip };
    const seed = await writeSeed(vm, req);
    const mac =
      /=([0-9a-f]{2}(:[0-9a-f]{2}){5})/i.exec(req.config?.net0 ?? '')?.[1]?.toLowerCase() ?? '52:54:00:12:34:56';
    const args = [
      '-accel',
      'tcg',
      '-m',
      String(options.memoryMb ?? 2048),
      '-smp',
      '2',
      '-display',
      'none',
      '-no-user-config',
      '-nodefaults',
      '-kernel',
      image.kernel,
      '-initrd',
      image.initrd,
      '-append',
      'root=/dev/vda console=ttyS0 net.ifnames=0 quiet',
      '-drive',
      `file=${vm.disk},if=virtio,format=qcow2,cache=unsafe`,
      '-drive',
      `file=${seed},if=virtio,format=raw,readonly=on`,
      '-netdev',
      `user,id=net0,${forwards(vm.ip)}`,
      '-device',
      `virtio-net-pci,netdev=net0,mac=${mac}`,
      '-chardev',
      `socket,id=qga0,path=${join(vm.dir, 'qga.sock')},server=on,wait=off`,
      // Entropy from the host, so sshd's host keys and TLS never wait on a starved guest pool.
      '-device',
      'virtio-rng-pci',
      '-device',
      'virtio-serial',
      '-device',
      'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0',
      '-qmp',
      `unix:${join(vm.dir, 'qmp.sock')},server=on,wait=off`,
      '-serial',
      `file:${join(vm.dir, 'console.log')}`,
    ];
    const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    vm.process = child;
    // QEMU fails at once on a bad argument or a taken forward; a second means it is running.
    if (await waitExit(child, 1000)) throw new Error(`qemu for VM ${req.vmid} exited: ${stderr.trim()}`);
    return { ip: vm.ip };
  }

  async function qmp(vm: QemuVm, command: string): Promise<void> {
    const { connect } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const socket = connect(join(vm.dir, 'qmp.sock'));
      socket.on('error', reject);
      socket.on('connect', () => {
        socket.write('{"execute":"qmp_capabilities"}\n');
        socket.write(`${JSON.stringify({ execute: command })}\n`);
        socket.end(() => resolve());
      });
    });
  }

  /** ACPI power button (what `qm shutdown` does without the agent), then the plug after 60 s. */
  async function halt(vmid: number): Promise<void> {
    const vm = vms.get(vmid);
    const child = vm?.process;
    if (!vm || !child) return;
    cpuOfEnded += await cpuOf(child);
    await qmp(vm, 'system_powerdown').catch(() => undefined);
    if (!(await waitExit(child, 60_000))) {
      child.kill('SIGKILL');
      await exited(child);
    }
    vm.process = undefined;
  }

  return {
    sshPort: 22,
    image,
    boot,
    halt,
    async reboot(req: BootRequest) {
      await halt(req.vmid);
      await boot(req);
    },
    async destroy(vmid) {
      const vm = vms.get(vmid);
      if (!vm) return;
      cpuOfEnded += await cpuOf(vm.process);
      vm.process?.kill('SIGKILL');
      if (vm.process) await exited(vm.process);
      vms.delete(vmid);
      await rm(vm.dir, { recursive: true, force: true });
    },
    async agentInterfaces(vmid) {
      const vm = vms.get(vmid);
      if (!vm?.process) throw new Error('QEMU guest agent is not running');
      const answer = (await agentCommand(join(vm.dir, 'qga.sock'), 'guest-network-get-interfaces')) as Array<{
        'ip-addresses'?: Array<{ 'ip-address': string }>;
      }>;
      // The guest's own address becomes the forwarded loopback address, as behind a NAT.
      for (const iface of answer)
        for (const a of iface['ip-addresses'] ?? []) if (a['ip-address'] === GUEST_ADDRESS) a['ip-address'] = vm.ip;
      return answer;
    },
    vm: (vmid) => vms.get(vmid),
    console: async (vmid) => readFile(join(vms.get(vmid)?.dir ?? base, 'console.log'), 'utf8').catch(() => ''),
    async cpuSeconds() {
      const live = await Promise.all([...vms.values()].map((vm) => cpuOf(vm.process)));
      return live.reduce((a, b) => a + b, cpuOfEnded);
    },
    async close() {
      for (const vm of vms.values()) vm.process?.kill('SIGKILL');
      await Promise.all([...vms.values()].map((vm) => (vm.process ? exited(vm.process) : undefined)));
      await rm(base, { recursive: true, force: true });
    },
  };
}
