// The RemoteShell port over node-ssh: connects to a VM, retrying while it boots (refused,
// unreachable, handshake timeouts) until the deadline. The private key arrives as a string and
// goes nowhere but to ssh2; host keys are checked against a known_hosts file by policy.
import { connect as tcpConnect } from 'node:net';
import { NodeSSH } from 'node-ssh';
import { pause } from '../pause.ts';
import { permanent, transient, type RunnerbotError } from '../core/errors.ts';
import type { RemoteSession, RemoteShell } from '../core/ports.ts';
import { checkHostKey, forgetHostKey, type HostKeyVerdict, type KnownHostsPolicy } from './ssh/known-hosts.ts';
import { SshSession } from './ssh/session.ts';

export type { KnownHostsPolicy } from './ssh/known-hosts.ts';

export interface SshShellOptions {
  user: string;
  port: number;
  /** The private key itself (OpenSSH or PEM text). Never logged, never put in an error. */
  privateKey: string;
  knownHosts: KnownHostsPolicy;
  /** Required unless knownHosts is `off`. */
  knownHostsFile?: string;
  /** Pause between attempts while the VM does not answer (default 500 ms). */
  retryDelayMs?: number;
  /** Longest wait for one handshake (default 10 s). */
  attemptTimeoutMs?: number;
  /** Rejections of the key in a row before giving up: cloud-init may still be writing it (default 3). */
  authAttempts?: number;
  /** Prefix for commands on root's files (default `sudo -n`). */
  sudo?: string[];
}

type Attempt = { session: RemoteSession } | { retry: string } | { fail: RunnerbotError };

export function createSshShell(options: SshShellOptions): RemoteShell {
  const retryDelayMs = options.retryDelayMs ?? 500;
  const where = (host: string) => `${options.user}@${host}:${options.port}`;

  async function attempt(host: string, timeoutMs: number): Promise<Attempt> {
    const ssh = new NodeSSH();
    const verdict: { hostKey: HostKeyVerdict; local?: string } = { hostKey: 'trusted' };
    // Our own socket, for TCP_NODELAY: with Nagle on, each small request (a channel open, an exec)
    // waits ~40 ms for the previous segment's delayed ACK.
    const sock = tcpConnect({ host, port: options.port, noDelay: true });
    sock.on('error', () => undefined);
    try {
      await ssh.connect({
        host,
        sock,
        port: options.port,
        username: options.user,
        privateKey: options.privateKey,
        readyTimeout: Math.max(1, timeoutMs),
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          try {
            verdict.hostKey = checkHostKey(options.knownHosts, options.knownHostsFile, host, options.port, key);
          } catch (error) {
            verdict.local = (error as NodeJS.ErrnoException).code ?? String(error);
            return false;
          }
          return verdict.hostKey === 'trusted' || verdict.hostKey === 'added';
        },
      });
      return { session: new SshSession(ssh, { host, sudo: options.sudo ?? ['sudo', '-n'] }) };
    } catch (e) {
      ssh.dispose();
      sock.destroy();
      const err = e as Error & { level?: string; code?: string };
      if (verdict.local) {
        return {
          fail: permanent(
            'LOCAL.FILE_ACCESS',
            `cannot write the known-hosts file ${options.knownHostsFile} (${verdict.local}): a problem on this runnerbot host, not the network; runnerbot config check --for worker names the fix`,
          ),
        };
      }
      if (verdict.hostKey === 'changed')
        return {
          fail: permanent(
            'SSH.UNREACHABLE',
            `the host key of ${where(host)} differs from the one in the known-hosts file; remove the old entry if the VM was rebuilt`,
          ),
        };
      if (verdict.hostKey === 'unknown')
        return {
          fail: permanent(
            'SSH.UNREACHABLE',
            `the host key of ${where(host)} is not in the known-hosts file (ssh.knownHosts is strict)`,
          ),
        };
      if (err.level === 'client-authentication') return { retry: 'auth' };
      return { retry: err.code ?? err.message };
    }
  }

  return {
    async connect(host, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      const authAttempts = options.authAttempts ?? 3;
      let authFailures = 0;
      let last = 'no attempt';
      while (!signal?.aborted) {
        const result = await attempt(host, Math.min(options.attemptTimeoutMs ?? 10_000, deadline - Date.now()));
        if ('session' in result) return result.session;
        if ('fail' in result) throw result.fail;
        last = result.retry;
        authFailures = last === 'auth' ? authFailures + 1 : 0;
        if (authFailures >= authAttempts)
          throw permanent(
            'SSH.UNREACHABLE',
            `${where(host)} refused the configured SSH key (is it the one in the VM's cloud-init sshkeys?)`,
          );
        if (Date.now() + retryDelayMs >= deadline) break;
        await pause(retryDelayMs, signal);
      }
      throw transient(
        'SSH.UNREACHABLE',
        `no SSH answer from ${where(host)} within ${Math.round(timeoutMs / 1000)} s (last: ${last === 'auth' ? 'key refused' : last})`,
      );
    },
    async forgetHost(host) {
      if (options.knownHostsFile) forgetHostKey(options.knownHostsFile, host, options.port);
    },
  };
}
