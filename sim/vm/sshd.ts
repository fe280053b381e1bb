// One real OpenSSH sshd per fake VM. sshd looks the user up on the host before it chroots, so
// each sshd runs in its own mount namespace where a copy of the host's passwd/group that also
// holds the VM's user is bind-mounted: the host's /etc/passwd is never touched. Stopping a VM
// kills every process of that namespace (the listener, session children, the user's commands).
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { readdirSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { VmUser } from './rootfs.ts';

export interface SshdSpec {
  dir: string;
  root: string;
  ip: string;
  port: number;
  user: VmUser;
  hostKeyPath: string;
  authorizedKeysPath: string;
}

export interface RunningSshd {
  pid: number;
  /** The mount namespace (`mnt:[…]`) every process of this VM lives in. */
  namespace: string;
}

function config(spec: SshdSpec): string {
  return [
    `ListenAddress ${spec.ip}:${spec.port}`,
    `HostKey ${spec.hostKeyPath}`,
    'PidFile none',
    `AuthorizedKeysFile ${spec.authorizedKeysPath}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    `AllowUsers ${spec.user.name}`,
    'UsePAM no',
    'UseDNS no',
    'StrictModes yes',
    `ChrootDirectory ${spec.root}`,
    'Subsystem sftp internal-sftp',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'PrintMotd no',
    'MaxStartups 100:30:200',
    'MaxSessions 64',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

async function withUser(hostFile: string, line: string, name: string): Promise<string> {
  const lines = (await readFile(hostFile, 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith(`${name}:`));
  return `${[...lines, line].join('\n')}\n`;
}

function answers(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSshd(spec: SshdSpec): Promise<RunningSshd> {
  const { user } = spec;
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const passwd = join(spec.dir, 'passwd');
  const group = join(spec.dir, 'group');
  const cfg = join(spec.dir, 'sshd_config');
  const log = join(spec.dir, 'sshd.log');
  await writeFile(
    passwd,
    await withUser('/etc/passwd', `${user.name}:x:${user.uid}:${user.gid}::/home/${user.name}:/bin/sh`, user.name),
  );
  await writeFile(group, await withUser('/etc/group', `${user.name}:x:${user.gid}:`, user.name));
  await writeFile(cfg, config(spec));
  const script =
    'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && exec /usr/sbin/sshd -D -f "$3" -E "$4"';
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'sh', passwd, group, cfg, log],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start sshd (unshare missing?)');
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 400 && !exited; i++) {
    if (await answers(spec.ip, spec.port)) {
      const namespace = await readlink(`/proc/${pid}/ns/mnt`);
      return { pid, namespace };
    }
    await sleep(10);
  }
  killNamespaceSync({ pid, namespace: '' });
  const tail = await readFile(log, 'utf8').catch(() => '');
  throw new Error(`sshd for ${spec.ip}:${spec.port} did not start: ${tail.trim().split('\n').slice(-3).join(' | ')}`);
}

function processesIn(namespace: string): number[] {
  const own = readlinkSync('/proc/self/ns/mnt');
  if (namespace === '' || namespace === own) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/mnt`) === namespace) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Kills the listener and every process in its namespace (never one in the host's namespace). */
export function killNamespaceSync(sshd: RunningSshd): void {
  for (const pid of [sshd.pid, ...processesIn(sshd.namespace)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function stopSshd(sshd: RunningSshd): Promise<void> {
  killNamespaceSync(sshd);
  for (let i = 0; i < 200; i++) {
    const alive = (await readdir('/proc')).includes(String(sshd.pid)) && !(await isZombie(sshd.pid));
    if (!alive && processesIn(sshd.namespace).length === 0) return;
    await sleep(10);
  }
}

async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || / Z /.test(stat);
}
