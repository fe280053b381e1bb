// The SSH adapter against a fake VM's real sshd: retries while the VM boots, refuses a wrong key
// or host key at once, runs commands with stdin and timeouts, writes files atomically as root.
import { getEventListeners } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerbotError } from '../../../src/core/errors.ts';
import type { RemoteSession } from '../../../src/core/ports.ts';
import { createSshShell, type SshShellOptions } from '../../../src/provisioner/ssh.ts';
import { createVmFarm, generateSshKeyPair, type SshKeyPair, type VmFarm } from '../../../sim/vm/index.ts';

const PORT = 2222;
let farm: VmFarm;
let key: SshKeyPair;
let ip: string;
let dir: string;
const sessions: RemoteSession[] = [];

const shell = (o: Partial<SshShellOptions> = {}) =>
  createSshShell({
    user: 'runnerbot',
    port: PORT,
    privateKey: key.privateKey,
    knownHosts: 'off',
    retryDelayMs: 50,
    ...o,
  });

async function connect(o: Partial<SshShellOptions> = {}, host = ip, timeoutMs = 5000): Promise<RemoteSession> {
  const s = await shell(o).connect(host, timeoutMs);
  sessions.push(s);
  return s;
}

async function failure(p: Promise<unknown>): Promise<RunnerbotError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RunnerbotError);
  return e as RunnerbotError;
}

beforeAll(async () => {
  farm = await createVmFarm({ sshPort: PORT });
  key = await generateSshKeyPair();
  dir = await mkdtemp(join(tmpdir(), 'runnerbot-ssh-'));
  ({ ip } = await farm.boot({ vmid: 301, name: 'gitlab-runner-03', ciuser: 'runnerbot', sshPublicKey: key.publicKey }));
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await farm?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('connect', () => {
  it('keeps trying while the VM boots and connects once sshd answers', async () => {
    const booting = await farm.boot({
      vmid: 302,
      name: 'gitlab-runner-04',
      ciuser: 'runnerbot',
      sshPublicKey: key.publicKey,
    });
    await farm.halt(302);
    const connecting = shell().connect(booting.ip, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    await farm.boot({ vmid: 302, name: 'gitlab-runner-04', ciuser: 'runnerbot', sshPublicKey: key.publicKey });
    const s = await connecting;
    sessions.push(s);
    expect((await s.exec('id -un')).stdout).toBe('runnerbot\n');
  });

  it('gives up with a transient SSH.UNREACHABLE when nothing answers in time', async () => {
    const e = await failure(shell().connect(`${ip.split('.').slice(0, 3).join('.')}.254`, 300));
    expect(e.code).toBe('SSH.UNREACHABLE');
    expect(e.transient).toBe(true);
    expect(e.message).toMatch(/no SSH answer .* \(last: ECONNREFUSED\)/);
  });

  it('leaves no listener on the job signal per retry (a long boot warned MaxListenersExceeded)', async () => {
    const job = new AbortController();
    const unreachable = `${ip.split('.').slice(0, 3).join('.')}.254`;
    await failure(shell({ retryDelayMs: 5 }).connect(unreachable, 500, job.signal));
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0);
  });

  it('stops with a permanent error when the VM refuses the key, and never shows the key', async () => {
    const other = await generateSshKeyPair();
    const e = await failure(shell({ privateKey: other.privateKey }).connect(ip, 20_000));
    expect(e.code).toBe('SSH.UNREACHABLE');
    expect(e.transient).toBe(false);
    expect(e.message).toContain('refused the configured SSH key');
    expect(JSON.stringify({ m: e.message, s: e.stack })).not.toContain(other.privateKey.split('\n')[1]);
  });
});

describe('known hosts', () => {
  it('accept-new records the first key and trusts it afterwards', async () => {
    const file = join(dir, 'accept-new');
    await connect({ knownHosts: 'accept-new', knownHostsFile: file });
    const recorded = await readFile(file, 'utf8');
    expect(recorded).toBe(`[${ip}]:${PORT} ${farm.hostPublicKey}\n`);
    await connect({ knownHosts: 'accept-new', knownHostsFile: file });
    expect(await readFile(file, 'utf8')).toBe(recorded);
  });

  it('accept-new refuses a host whose key changed', async () => {
    const file = join(dir, 'changed');
    const stranger = (await generateSshKeyPair()).publicKey.split(' ').slice(0, 2).join(' ');
    await writeFile(file, `[${ip}]:${PORT} ${stranger}\n`);
    const e = await failure(shell({ knownHosts: 'accept-new', knownHostsFile: file }).connect(ip, 5000));
    expect(e.transient).toBe(false);
    expect(e.message).toContain('differs from the one in the known-hosts file');
  });

  it('strict needs the key in the file already', async () => {
    const file = join(dir, 'strict');
    await writeFile(file, '');
    const e = await failure(shell({ knownHosts: 'strict', knownHostsFile: file }).connect(ip, 5000));
    expect(e.message).toContain('is not in the known-hosts file');
    await writeFile(file, `# fleet\n[${ip}]:${PORT} ${farm.hostPublicKey}\n`);
    await connect({ knownHosts: 'strict', knownHostsFile: file });
  });
});

describe('a session', () => {
  it('runs over a socket with TCP_NODELAY, so no small request waits ~40 ms for a delayed ACK', async () => {
    const s = await connect();
    // Node keeps the flag behind an internal symbol; ssh2 keeps the socket as `_sock`.
    const sock = (s as unknown as { ssh: { connection: { _sock: object } } }).ssh.connection._sock;
    const flag = Object.getOwnPropertySymbols(sock).find((sym) => sym.description === 'kSetNoDelay');
    expect(flag).toBeDefined();
    expect((sock as Record<symbol, unknown>)[flag!]).toBe(true);
  });

  it('runs commands with stdin and reports exit codes and both streams', async () => {
    const s = await connect();
    expect(await s.exec('cat; echo oops >&2; exit 7', { stdin: 'from "stdin"\n$(reboot)\n' })).toEqual({
      code: 7,
      stdout: 'from "stdin"\n$(reboot)\n',
      stderr: 'oops\n',
    });
  });

  it('stops a command that runs past its timeout', async () => {
    const s = await connect();
    const e = await failure(s.exec('sleep 2; echo late >/tmp/late', { timeoutMs: 300 }));
    expect(e.code).toBe('STEP.TIMEOUT');
    // The remote side was ended too: nothing is left running to write the file later.
    expect((await s.exec('sleep 2.5; cat /tmp/late', { timeoutMs: 10_000 })).code).not.toBe(0);
    expect((await s.exec('echo still usable')).stdout).toBe('still usable\n');
  });

  it('writes a file atomically with its mode, literally, through sudo', async () => {
    const s = await connect();
    const content = 'image = "registry.example.com/ci/$(reboot):\\"x y\\""\n`reboot`\n\'quoted\'\n';
    await s.writeFile('/etc/gitlab-runner/config.toml', content, 0o600);
    expect(await farm.readFile(301, '/etc/gitlab-runner/config.toml')).toBe(content);
    const onHost = await stat(join(farm.vm(301).root, 'etc/gitlab-runner/config.toml'));
    expect(onHost.mode & 0o777).toBe(0o600);
    expect((await s.exec('ls -a /etc/gitlab-runner /tmp')).stdout).not.toMatch(/config\.toml\.|\.runnerbot-/);
    const calls = await farm.calls(301);
    expect(calls.some((c) => c.cmd === 'sudo')).toBe(true);
    expect(calls.some((c) => c.cmd === 'reboot')).toBe(false);
  });

  it('writes an empty file and one without a final newline exactly, and several at once on one connection', async () => {
    const s = await connect();
    const files = {
      '/etc/runnerbot/empty': '',
      '/etc/runnerbot/no-newline': 'KEY=value',
      '/etc/runnerbot/big': 'x'.repeat(300_000),
    };
    await Promise.all(Object.entries(files).map(([path, content]) => s.writeFile(path, content, 0o644)));
    for (const [path, content] of Object.entries(files)) expect(await farm.readFile(301, path)).toBe(content);
  });

  it('reads a file back, and null for one that does not exist', async () => {
    const s = await connect();
    await s.writeFile('/etc/runnerbot/x.env', "A='1'\n", 0o600);
    expect(await s.readFile('/etc/runnerbot/x.env')).toBe("A='1'\n");
    expect(await s.readFile('/etc/runnerbot/missing')).toBeNull();
  });

  it('reports a lost connection as transient SSH.UNREACHABLE', async () => {
    await farm.boot({ vmid: 303, name: 'gitlab-runner-05', ciuser: 'runnerbot', sshPublicKey: key.publicKey });
    const s = await connect({}, farm.vm(303).ip);
    const running = failure(s.exec('sleep 20'));
    await new Promise((r) => setTimeout(r, 200));
    await farm.halt(303);
    const e = await running;
    expect(e.code).toBe('SSH.UNREACHABLE');
    expect(e.transient).toBe(true);
  });
});
