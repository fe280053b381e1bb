// Host key checking for the SSH adapter, in OpenSSH's known_hosts format so an operator can read
// and edit the file with the usual tools. `accept-new` trusts a host's first key and refuses any
// other later; `strict` needs the key to be in the file already; `off` trusts anything.
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type KnownHostsPolicy = 'accept-new' | 'strict' | 'off';

export type HostKeyVerdict = 'trusted' | 'added' | 'unknown' | 'changed';

/** `host` for port 22, `[host]:port` otherwise, as ssh writes it. */
export const hostId = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`);

/** The algorithm name at the start of an SSH public key blob (a uint32 length, then the name). */
function keyType(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('ascii');
}

function matchesHost(pattern: string, id: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt = '', hash = ''] = pattern.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(id).digest('base64') === hash;
  }
  return pattern.split(',').includes(id);
}

function keysFor(file: string, id: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(
      ([hosts, , key]) => hosts !== undefined && !hosts.startsWith('#') && key !== undefined && matchesHost(hosts, id),
    )
    .map(([, type, key]) => `${type} ${key}`);
}

export function checkHostKey(
  policy: KnownHostsPolicy,
  file: string | undefined,
  host: string,
  port: number,
  blob: Buffer,
): HostKeyVerdict {
  if (policy === 'off') return 'trusted';
  if (file === undefined) throw new Error(`ssh.knownHosts is ${policy} but no known-hosts file is configured`);
  const id = hostId(host, port);
  const presented = `${keyType(blob)} ${blob.toString('base64')}`;
  const known = keysFor(file, id);
  if (known.includes(presented)) return 'trusted';
  if (known.length > 0) return 'changed';
  if (policy === 'strict') return 'unknown';
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${id} ${presented}\n`, { mode: 0o600 });
  return 'added';
}

/** Removes every key of `host` from the file (a deleted VM's key must not block its successor). */
export function forgetHostKey(file: string, host: string, port: number): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const id = hostId(host, port);
  const kept = text.split('\n').filter((line) => {
    const [hosts] = line.trim().split(/\s+/);
    return !hosts || hosts.startsWith('#') || !matchesHost(hosts, id);
  });
  const next = kept.join('\n');
  if (next === text) return;
  writeFileSync(`${file}.tmp`, next, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
