// SSH key pairs made with ssh-keygen, in OpenSSH format (what node-ssh and sshd read).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SshKeyPair {
  /** OpenSSH private key (unencrypted). */
  privateKey: string;
  /** One line: `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
}

/** Writes an ed25519 key to `path` (and `path.pub`) with ssh-keygen. */
export async function keygen(path: string, comment: string): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

export async function generateSshKeyPair(comment = 'runnerbot-test'): Promise<SshKeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'runnerbot-key-'));
  try {
    const path = join(dir, 'id_ed25519');
    await keygen(path, comment);
    return { privateKey: await readFile(path, 'utf8'), publicKey: (await readFile(`${path}.pub`, 'utf8')).trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
