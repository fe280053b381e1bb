// A farm of fake runner VMs: the VmHost the Proxmox simulator boots, plus what tests inspect.
// Each VM answers on its own 127.X.Y.N (X.Y random per farm, N per VM) with a real sshd.
import { randomInt } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { BootRequest, VmHost } from '../vm-host.ts';
import { parseCallLog, type StandinCall } from './call-log.ts';
import { keygen } from './keys.ts';
import { startMetricsAgents, type MetricsAgents } from './metrics.ts';
import { startRunnerJobLoop, type RunnerJobLoop } from './runner-jobs.ts';
import { authorizeKey, buildBase, populateRoot, type VmUser } from './rootfs.ts';
import { killNamespaceSync, startSshd, stopSshd, type RunningSshd } from './sshd.ts';

export interface VmFarmOptions {
  /** sshd's port on every VM (default 22, as on a real VM). */
  sshPort?: number;
  /**
   * Parent of the farm's directory. Every component must be root-owned and not writable by
   * group or others (sshd's ChrootDirectory rule), so /tmp will not do. Default /var/lib/runnerbot-sim.
   */
  baseDir?: string;
  /** Serve /metrics on :9100 :8080 :9252 when the stand-ins start the agents (default true). */
  metrics?: boolean;
  /**
   * How often a VM's running gitlab-runner asks GitLab for a job (runner-jobs.ts). Default: it
   * never does, so the farms of tests that do not run pipelines add no calls to GitLab's log.
   */
  jobPollMs?: number;
}

export interface SimVm {
  vmid: number;
  name: string;
  ip: string;
  ciuser: string;
  /** The chroot on the host; a path inside the VM is join(root, path). */
  root: string;
  running: boolean;
}

export interface VmFarm extends VmHost {
  readonly sshPort: number;
  /** The farm's host key (`ssh-ed25519 AAAA…`), the same on every VM: for strict known-hosts tests. */
  readonly hostPublicKey: string;
  list(): SimVm[];
  /** The VM with this vmid; throws if the farm never booted it. */
  vm(vmid: number): SimVm;
  /** A file inside the VM, or null when it does not exist. */
  readFile(vmid: number, path: string): Promise<string | null>;
  /** Writes a file inside the VM (its folders made when missing), owned by its user (e.g. to fake a held dpkg lock). */
  writeFile(vmid: number, path: string, content: string): Promise<void>;
  removeFile(vmid: number, path: string): Promise<void>;
  /** Every call the stand-ins recorded, in order. */
  calls(vmid: number): Promise<StandinCall[]>;
  /** Ports of the monitoring agents answering now (9100, 8080, 9252). */
  metricsPorts(vmid: number): Promise<number[]>;
  sshdLog(vmid: number): Promise<string>;
  close(): Promise<void>;
}

interface VmState extends SimVm {
  user: VmUser;
  dir: string;
  sshd?: RunningSshd;
  agents?: MetricsAgents;
  jobLoop?: RunnerJobLoop;
}

const FIRST_UID = 2000;
const live = new Set<RunningSshd>();
process.once('exit', () => live.forEach(killNamespaceSync));

async function freeUid(): Promise<number> {
  const used = new Set((await readFile('/etc/passwd', 'utf8')).split('\n').map((l) => Number(l.split(':')[2])));
  let uid = FIRST_UID;
  while (used.has(uid)) uid++;
  return uid;
}

function bindable(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Removes the directories of farms whose test process died without closing them. */
async function sweepAbandoned(parent: string, own: string): Promise<void> {
  for (const entry of await readdir(parent)) {
    const dir = join(parent, entry);
    if (!entry.startsWith('farm-') || dir === own) continue;
    const owner = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => '0'));
    if (owner > 0 && !alive(owner)) await rm(dir, { recursive: true, force: true });
  }
}

const inside = (root: string, path: string) => join(root, path.replace(/^\/+/, ''));

export async function createVmFarm(options: VmFarmOptions = {}): Promise<VmFarm> {
  const sshPort = options.sshPort ?? 22;
  const parent = options.baseDir ?? '/var/lib/runnerbot-sim';
  await mkdir(parent, { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(parent, 'farm-'));
  await chmod(dir, 0o755); // sshd reads authorized_keys as the user
  await writeFile(join(dir, 'owner.pid'), String(process.pid));
  await sweepAbandoned(parent, dir);
  const prefix = `127.${randomInt(16, 255)}.${randomInt(0, 256)}`;
  const uid = await freeUid();
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  await Promise.all([keygen(hostKeyPath, 'runnerbot-sim-vm'), buildBase(join(dir, 'base'))]);
  const hostPublicKey = (await readFile(`${hostKeyPath}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const vms = new Map<number, VmState>();
  let nextHost = 2;

  async function allocateIp(): Promise<string> {
    while (nextHost < 255) {
      const ip = `${prefix}.${nextHost++}`;
      if (await bindable(ip, sshPort)) return ip;
    }
    throw new Error(`vm farm ${prefix}.0/24 has no free address left`);
  }

  const pending = new Map<number, Promise<unknown>>();
  /** Boot, halt and destroy of one VM run one after another, in the order they were asked. */
  function serial<T>(vmid: number, work: () => Promise<T>): Promise<T> {
    const next = (pending.get(vmid) ?? Promise.resolve()).then(work, work);
    pending.set(
      vmid,
      next.catch(() => undefined),
    );
    return next;
  }

  function get(vmid: number): VmState {
    const vm = vms.get(vmid);
    if (!vm) throw new Error(`the vm farm has no VM ${vmid}`);
    return vm;
  }

  async function haltNow(vmid: number): Promise<void> {
    const vm = vms.get(vmid);
    if (!vm?.running) return;
    vm.running = false;
    await vm.agents?.close();
    await vm.jobLoop?.close();
    if (vm.sshd) {
      live.delete(vm.sshd);
      await stopSshd(vm.sshd);
    }
    vm.sshd = undefined;
    vm.agents = undefined;
    vm.jobLoop = undefined;
  }

  async function bootNow(req: BootRequest): Promise<{ ip: string }> {
    let vm = vms.get(req.vmid);
    if (vm?.running) await haltNow(req.vmid);
    if (!vm) {
      const vmDir = join(dir, 'vms', String(req.vmid));
      await mkdir(vmDir, { recursive: true, mode: 0o755 });
      // root keeps uid 0, so that sshd's PermitRootLogin refuses it as on a real VM
      const user = req.ciuser === 'root' ? { name: 'root', uid: 0, gid: 0 } : { name: req.ciuser, uid, gid: uid };
      const root = join(vmDir, 'root');
      await populateRoot(join(dir, 'base'), root, user, req.name);
      vm = {
        vmid: req.vmid,
        name: req.name,
        ip: await allocateIp(),
        ciuser: req.ciuser,
        root,
        running: false,
        user,
        dir: vmDir,
      };
      vms.set(req.vmid, vm);
    }
    const authorizedKeysPath = await authorizeKey(vm.root, vm.user, req.sshPublicKey);
    vm.sshd = await startSshd({
      dir: vm.dir,
      root: vm.root,
      ip: vm.ip,
      port: sshPort,
      user: vm.user,
      hostKeyPath,
      authorizedKeysPath,
    });
    live.add(vm.sshd);
    if (options.metrics !== false) vm.agents = startMetricsAgents(vm.ip, vm.root);
    if (options.jobPollMs !== undefined) vm.jobLoop = startRunnerJobLoop(vm.root, options.jobPollMs);
    vm.running = true;
    return { ip: vm.ip };
  }

  const snapshot = (vm: VmState): SimVm => ({
    vmid: vm.vmid,
    name: vm.name,
    ip: vm.ip,
    ciuser: vm.ciuser,
    root: vm.root,
    running: vm.running,
  });

  return {
    sshPort,
    hostPublicKey,
    boot: (req) => serial(req.vmid, () => bootNow(req)),
    halt: (vmid) => serial(vmid, () => haltNow(vmid)),
    destroy: (vmid) =>
      serial(vmid, async () => {
        const vm = vms.get(vmid);
        if (!vm) return;
        await haltNow(vmid);
        vms.delete(vmid);
        await rm(vm.dir, { recursive: true, force: true });
      }),
    list: () => [...vms.values()].map(snapshot),
    vm: (vmid) => snapshot(get(vmid)),
    readFile: (vmid, path) => readFile(inside(get(vmid).root, path), 'utf8').catch(() => null),
    async writeFile(vmid, path, content) {
      const vm = get(vmid);
      const folder = dirname(inside(vm.root, path));
      const made = await mkdir(folder, { recursive: true, mode: 0o755 });
      for (let dir = folder; made && dir.length >= made.length; dir = dirname(dir))
        await chown(dir, vm.user.uid, vm.user.gid);
      await writeFile(inside(vm.root, path), content);
      await chown(inside(vm.root, path), vm.user.uid, vm.user.gid);
    },
    removeFile: (vmid, path) => rm(inside(get(vmid).root, path), { force: true }),
    calls: async (vmid) => parseCallLog(await readFile(inside(get(vmid).root, '/var/log/sim/calls.log'), 'utf8')),
    async metricsPorts(vmid) {
      const agents = get(vmid).agents;
      if (!agents) return [];
      await agents.sync();
      return agents.listening();
    },
    sshdLog: (vmid) => readFile(join(get(vmid).dir, 'sshd.log'), 'utf8').catch(() => ''),
    async close() {
      await Promise.all([...pending.values()]);
      for (const vmid of [...vms.keys()]) await haltNow(vmid).catch(() => undefined);
      if (
        await stat(dir).then(
          () => true,
          () => false,
        )
      )
        await rm(dir, { recursive: true, force: true });
    },
  };
}
