// The fake VM's disk: a minimal Debian-like tree for sshd's ChrootDirectory. Real tools (dash,
// coreutils, sed, grep, awk, curl) with their libraries are copied once per farm into a base;
// each VM hard-links the base's read-only /usr and gets its own writable /etc, /var, /home.
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const STANDINS_DIR = fileURLToPath(new URL('./standins/', import.meta.url));

const TOOLS = [
  'dash',
  'cat',
  'chmod',
  'chown',
  'cp',
  'cut',
  'date',
  'dirname',
  'basename',
  'env',
  'head',
  'id',
  'install',
  'ln',
  'ls',
  'mkdir',
  'mktemp',
  'mv',
  'printf',
  'readlink',
  'rm',
  'rmdir',
  'sleep',
  'sort',
  'stat',
  'tail',
  'tee',
  'test',
  '[',
  'timeout',
  'touch',
  'tr',
  'true',
  'false',
  'uname',
  'wc',
  'uniq',
  'whoami',
  'sed',
  'grep',
];
/** Stand-in file -> where Debian keeps the real program. */
const STANDINS: Record<string, string[]> = {
  'apt-get': ['usr/bin/apt-get'],
  dpkg: ['usr/bin/dpkg'],
  'dpkg-query': ['usr/bin/dpkg-query'],
  systemctl: ['usr/bin/systemctl'],
  docker: ['usr/bin/docker'],
  'gitlab-runner': ['usr/bin/gitlab-runner'],
  ufw: ['usr/sbin/ufw'],
  'cloud-init': ['usr/bin/cloud-init'],
  curl: ['usr/bin/curl'],
  sudo: ['usr/bin/sudo'],
  reboot: ['usr/sbin/reboot', 'usr/sbin/shutdown', 'usr/sbin/poweroff', 'usr/sbin/halt'],
};
const USR_MERGE = ['bin', 'sbin', 'lib', 'lib64'];
const SIM_LIB = 'usr/lib/runnerbot-sim';

export interface VmUser {
  name: string;
  uid: number;
  gid: number;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function copyInto(root: string, source: string, target = source): Promise<void> {
  const dest = join(root, target);
  await mkdir(dirname(dest), { recursive: true });
  await copyFile(await realpath(source), dest);
  await chmod(dest, 0o755);
}

async function sharedLibraries(binaries: string[]): Promise<string[]> {
  const { stdout } = await run('ldd', binaries);
  const libs = new Set<string>();
  for (const match of stdout.matchAll(/(?:=> |^\s+)(\/\S+) \(0x/gm)) if (match[1]) libs.add(match[1]);
  return [...libs];
}

/** Builds the read-only base (/usr with tools, libraries and stand-ins) once per farm. */
export async function buildBase(base: string): Promise<void> {
  await mkdir(join(base, 'usr/bin'), { recursive: true });
  for (const d of USR_MERGE) {
    await mkdir(join(base, 'usr', d), { recursive: true });
    await symlink(`usr/${d}`, join(base, d));
  }
  const tools = await Promise.all(
    TOOLS.map(async (t) => ((await exists(`/usr/bin/${t}`)) ? `/usr/bin/${t}` : `/bin/${t}`)),
  );
  const awk = await realpath('/usr/bin/awk');
  const curl = '/usr/bin/curl';
  for (const t of tools) await copyInto(base, t);
  await copyInto(base, awk, 'usr/bin/awk');
  await copyInto(base, curl, `${SIM_LIB}/curl`);
  const nss = ['/lib/x86_64-linux-gnu/libnss_files.so.2', '/lib/x86_64-linux-gnu/libnss_dns.so.2'];
  for (const lib of [...(await sharedLibraries([...tools, awk, curl])), ...nss]) {
    if (await exists(lib)) await copyInto(base, lib);
  }
  await symlink('dash', join(base, 'usr/bin/sh'));
  await copyFile(join(STANDINS_DIR, 'lib.sh'), join(base, SIM_LIB, 'lib.sh'));
  for (const [file, targets] of Object.entries(STANDINS)) {
    for (const target of targets) await copyInto(base, join(STANDINS_DIR, file), target);
  }
}

const etcFiles = (user: VmUser, hostname: string, osRelease: string): Record<string, string> => ({
  passwd: `root:x:0:0:root:/root:/bin/sh\n${user.name}:x:${user.uid}:${user.gid}::/home/${user.name}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
  group: `root:x:0:\n${user.name}:x:${user.gid}:\nsudo:x:27:${user.name}\nnogroup:x:65534:\n`,
  hosts: `127.0.0.1 localhost\n::1 localhost\n127.0.1.1 ${hostname}\n`,
  hostname: `${hostname}\n`,
  'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
  'os-release': osRelease,
});

/**
 * Makes the VM's root: root-owned and not writable by others (sshd's ChrootDirectory rule),
 * with everything below it that a real root would write owned by the VM's user instead.
 */
export async function populateRoot(base: string, root: string, user: VmUser, hostname: string): Promise<void> {
  await mkdir(root, { mode: 0o755 });
  await run('cp', ['-al', join(base, 'usr'), join(root, 'usr')]);
  for (const d of USR_MERGE) await symlink(`usr/${d}`, join(root, d));
  const writable = [
    'etc/default',
    'etc/apt/keyrings',
    'etc/apt/sources.list.d',
    'var/lib/sim',
    'var/lib/dpkg/updates',
    'var/log/sim',
    'run',
    `home/${user.name}/.ssh`,
  ];
  for (const d of writable) await mkdir(join(root, d), { recursive: true });
  for (const d of ['tmp', 'var/tmp']) {
    await mkdir(join(root, d), { recursive: true });
    await chmod(join(root, d), 0o1777);
  }
  await mkdir(join(root, 'dev'));
  for (const [name, minor] of [
    ['null', 3],
    ['zero', 5],
    ['urandom', 9],
  ] as const) {
    await run('mknod', ['-m', '666', join(root, 'dev', name), 'c', '1', String(minor)]);
  }
  const osRelease = await readFile('/etc/os-release', 'utf8');
  for (const [name, content] of Object.entries(etcFiles(user, hostname, osRelease))) {
    await writeFile(join(root, 'etc', name), content, { mode: 0o644 });
  }
  await writeFile(join(root, 'var/log/sim/calls.log'), '');
  for (const d of ['etc', 'var', 'run', 'home']) await run('chown', ['-R', `${user.uid}:${user.gid}`, join(root, d)]);
  await chmod(join(root, 'home', user.name), 0o755);
  await chmod(join(root, 'home', user.name, '.ssh'), 0o700);
}

/** Replaces the user's authorized keys with exactly this one. */
export async function authorizeKey(root: string, user: VmUser, publicKey: string): Promise<string> {
  const path = join(root, 'home', user.name, '.ssh', 'authorized_keys');
  await writeFile(path, `${publicKey.trim()}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  await run('chown', [`${user.uid}:${user.gid}`, path]);
  return path;
}
