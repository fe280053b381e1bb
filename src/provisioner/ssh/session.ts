// One SSH connection to one VM (RemoteSession). Commands are fixed strings whose arguments are
// shell-quoted; a file travels on the stdin of one exec of a fixed script that writes it to a
// private temp file and moves it into place as root, so a reader never sees half a file (one
// channel, where SFTP took a subsystem handshake, open, write, close and an exec).
import type { NodeSSH } from 'node-ssh';
import { isRunnerbotError, permanent, transient } from '../../core/errors.ts';
import type { ExecResult, RemoteSession } from '../../core/ports.ts';
import { shellCommand } from '../../core/shell-quote.ts';

const INSTALL_SCRIPT =
  'umask 077; set -e; t=; trap \'rm -f "$t"\' EXIT; mkdir -p "$(dirname "$1")"; t=$(mktemp "$1.XXXXXX"); cat >"$t"; chmod "$2" "$t"; mv -f "$t" "$1"; t=';
const READ_SCRIPT = 'if [ -e "$1" ]; then cat -- "$1"; else exit 3; fi';
const MISSING = 3;

/** What we use of ssh2's exec channel. */
interface ExecChannel {
  close(): void;
}

export interface SessionOptions {
  host: string;
  /** Prefix for commands that touch root's files (default `sudo -n`; empty when the user is root). */
  sudo: string[];
}

export class SshSession implements RemoteSession {
  constructor(
    private readonly ssh: NodeSSH,
    private readonly options: SessionOptions,
  ) {
    // A VM that goes away resets the socket; without a listener ssh2's 'error' would crash the process.
    ssh.connection?.on('error', () => undefined);
  }

  async exec(command: string, options: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    const { timeoutMs } = options;
    let channel: ExecChannel | undefined;
    // Remotely, `timeout` ends the command's whole process group; locally, the race ends the wait.
    const line =
      timeoutMs === undefined
        ? command
        : shellCommand(['timeout', '-k', '5', String(Math.ceil(timeoutMs / 1000)), 'sh', '-c', command]);
    const running = this.ssh.execCommand(line, {
      stdin: options.stdin,
      noTrim: true,
      onChannel: (c: ExecChannel) => (channel = c),
    });
    running.catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      if (timeoutMs !== undefined) timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const tooLate = () =>
      transient('STEP.TIMEOUT', `a command on ${this.options.host} did not finish within ${timeoutMs} ms`);
    try {
      const result = await Promise.race([running, expired]);
      if (result === 'timeout') {
        channel?.close();
        throw tooLate();
      }
      if (result.code === null && result.signal === null)
        throw transient('SSH.UNREACHABLE', `the SSH connection to ${this.options.host} was lost during a command`);
      if (timeoutMs !== undefined && result.code === 124) throw tooLate();
      return { code: result.code ?? -1, stdout: result.stdout, stderr: result.stderr };
    } catch (e) {
      if (isRunnerbotError(e)) throw e;
      throw transient('SSH.UNREACHABLE', `the SSH connection to ${this.options.host} failed: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async writeFile(path: string, content: string, mode: number): Promise<void> {
    const { code, stderr } = await this.exec(this.asRoot(INSTALL_SCRIPT, path, mode.toString(8).padStart(4, '0')), {
      stdin: content,
    });
    if (code !== 0)
      throw permanent('REMOTE.PHASE_FAILED', `could not write ${path} on ${this.options.host}: ${firstLine(stderr)}`);
  }

  async readFile(path: string): Promise<string | null> {
    const { code, stdout, stderr } = await this.exec(this.asRoot(READ_SCRIPT, path));
    if (code === MISSING) return null;
    if (code !== 0)
      throw permanent('REMOTE.PHASE_FAILED', `could not read ${path} on ${this.options.host}: ${firstLine(stderr)}`);
    return stdout;
  }

  async close(): Promise<void> {
    this.ssh.dispose();
  }

  private asRoot(script: string, ...args: string[]): string {
    return shellCommand([...this.options.sudo, 'sh', '-c', script, 'sh', ...args]);
  }
}

const firstLine = (text: string): string => text.trim().split('\n')[0]?.slice(0, 200) ?? '';
