// Every file runnerbot will open, and whether this process can open it as it will: readable,
// writable where it writes, not empty, not huge. `config check` and start-up report each problem
// as a local one (a mount, an owner, a mode on this host), never as a network failure later.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { runsBot, runsWorker, type Role } from './secrets.ts';
import type { ConfigProblem, LoadedConfig } from './config.ts';

export interface FileNeed {
  /** The configuration key or variable that names the file. */
  key: string;
  path: string;
  /** `read-write` files are created and replaced (temp file + rename) in their directory. */
  access: 'read' | 'read-write';
  maxBytes: number;
}

const KIB = 1024;

/** The files a process of `role` opens, beyond the secrets it has read (none without a role: a syntax check). */
export function filesOpened(loaded: Pick<LoadedConfig, 'config'>, role: Role | undefined): FileNeed[] {
  if (role === undefined) return [];
  const { proxmox, ssh } = loaded.config;
  const worker = runsWorker(role);
  const needs: FileNeed[] = [];
  if (proxmox.caFile && (worker || runsBot(role)))
    needs.push({ key: 'proxmox.caFile', path: proxmox.caFile, access: 'read', maxBytes: 1024 * KIB });
  if (worker && loaded.config.provision.siteHook)
    needs.push({
      key: 'provision.siteHook',
      path: loaded.config.provision.siteHook,
      access: 'read',
      maxBytes: 1024 * KIB,
    });
  if (worker && ssh.knownHosts !== 'off' && ssh.knownHostsFile) {
    needs.push({
      key: 'ssh.knownHostsFile',
      path: ssh.knownHostsFile,
      access: ssh.knownHosts === 'strict' ? 'read' : 'read-write',
      maxBytes: 16 * 1024 * KIB,
    });
  }
  return needs;
}

export interface FileSystem {
  stat(path: string): { isFile: boolean; isDirectory: boolean; size: number } | null;
  /** Throws (EACCES, EROFS…) when this process may not open `path` for `mode` (fs.constants). */
  access(path: string, mode: number): void;
}

export const nodeFileSystem: FileSystem = {
  stat(path) {
    try {
      const s = statSync(path);
      return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size };
    } catch {
      return null;
    }
  },
  access: (path, mode) => accessSync(path, mode),
};

const who = () => (typeof process.getuid === 'function' ? `this process (uid ${process.getuid()})` : 'this process');
const local = (error: unknown) =>
  `by ${who()} (${(error as NodeJS.ErrnoException).code ?? String(error)}): a permission problem on this host, not a network one; fix the owner or mode, or the volume mounted there`;

function problemOf(need: FileNeed, fs: FileSystem): string | undefined {
  const stat = fs.stat(need.path);
  const dir = dirname(need.path);
  if (need.access === 'read-write') {
    const dirStat = fs.stat(dir);
    if (!dirStat?.isDirectory)
      return `${need.path}: its directory ${dir} does not exist; runnerbot writes this file, so mount a writable volume there`;
    try {
      fs.access(dir, constants.W_OK | constants.X_OK);
    } catch (error) {
      return `${need.path}: its directory ${dir} is not writable ${local(error)}`;
    }
    if (!stat) return undefined;
  }
  if (!stat) return `${need.path} does not exist`;
  if (!stat.isFile) return `${need.path} is not a file`;
  try {
    fs.access(need.path, need.access === 'read' ? constants.R_OK : constants.R_OK | constants.W_OK);
  } catch (error) {
    return `${need.path} cannot be ${need.access === 'read' ? 'read' : 'read and written'} ${local(error)}`;
  }
  if (need.access === 'read' && stat.size === 0) return `${need.path} is empty`;
  if (stat.size > need.maxBytes)
    return `${need.path} is ${stat.size} bytes, more than the ${need.maxBytes} a ${need.key} can be`;
  return undefined;
}

export function checkFileAccess(needs: FileNeed[], fs: FileSystem = nodeFileSystem): ConfigProblem[] {
  return needs.flatMap((need) => {
    const message = problemOf(need, fs);
    return message ? [{ path: need.key, message }] : [];
  });
}
