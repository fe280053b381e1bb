// bootstrap.sh on a fake VM through the real sshd and the SSH adapter: each phase applies once,
// then reports unchanged; `check` changes nothing; the firewall and monitoring end as specified;
// values from the env file reach commands as data, never as code.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_ENV_PATH, BOOTSTRAP_SCRIPT_PATH, renderBootstrapEnv } from '../../../src/core/bootstrap-env.ts';
import type { ProvisionSettings } from '../../../src/core/settings.ts';
import type { RemoteSession } from '../../../src/core/ports.ts';
import { shellCommand } from '../../../src/core/shell-quote.ts';
import { parsePhaseResult } from '../../../src/app/steps/remote-steps.ts';
import { createSshShell } from '../../../src/provisioner/ssh.ts';
import { INJECTED_IMAGE, provisionSettings } from '../../../sim/vm/fixtures.ts';
import { createVmFarm, generateSshKeyPair, type SshKeyPair, type VmFarm } from '../../../sim/vm/index.ts';

const SCRIPT_FILE = new URL('../../../src/provisioner/remote/bootstrap.sh', import.meta.url);
const PORT = 2222;
const WRITES = new Set([
  'apt-get',
  'curl',
  'docker run',
  'docker rm',
  'systemctl enable',
  'systemctl start',
  'ufw allow',
  'ufw default',
  'ufw --force',
]);

let farm: VmFarm;
let key: SshKeyPair;
let script: string;
const sessions: RemoteSession[] = [];

async function vm(vmid: number, settings: ProvisionSettings) {
  const { ip } = await farm.boot({
    vmid,
    name: `gitlab-runner-${vmid}`,
    ciuser: 'runnerbot',
    sshPublicKey: key.publicKey,
  });
  const session = await createSshShell({
    user: 'runnerbot',
    port: PORT,
    privateKey: key.privateKey,
    knownHosts: 'off',
  }).connect(ip, 10_000);
  sessions.push(session);
  await session.writeFile(BOOTSTRAP_SCRIPT_PATH, script, 0o600);
  await session.writeFile(BOOTSTRAP_ENV_PATH, renderBootstrapEnv(settings), 0o600);
  return {
    async phase(name: string, mode: 'apply' | 'check' = 'apply') {
      const out = await session.exec(
        shellCommand(['sudo', '-n', 'sh', BOOTSTRAP_SCRIPT_PATH, name, BOOTSTRAP_ENV_PATH, mode]),
      );
      expect(out.stdout.split('\n').filter(Boolean)).toHaveLength(1);
      return { ...parsePhaseResult(name, out.stdout), code: out.code };
    },
    /** Calls that change the VM, recorded since `from`. */
    async writesSince(from: number) {
      return (await farm.calls(vmid))
        .slice(from)
        .filter((c) => c.cmd !== 'sudo' && (WRITES.has(c.cmd) || WRITES.has(`${c.cmd} ${c.args[0]}`)));
    },
    callCount: async () => (await farm.calls(vmid)).length,
  };
}

beforeAll(async () => {
  script = await readFile(SCRIPT_FILE, 'utf8');
  key = await generateSshKeyPair();
  farm = await createVmFarm({ sshPort: PORT });
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await farm?.close();
});

it('is clean under shellcheck (POSIX sh)', async () => {
  const run = promisify(execFile);
  await expect(run('shellcheck', ['--shell=sh', '--severity=style', SCRIPT_FILE.pathname])).resolves.toMatchObject({
    stdout: '',
  });
});

describe('the phases on a fresh VM', () => {
  let host: Awaited<ReturnType<typeof vm>>;
  beforeAll(async () => {
    host = await vm(401, provisionSettings({ sshPort: PORT, cadvisorImage: INJECTED_IMAGE }));
  });

  it.each(['docker', 'runner', 'firewall', 'monitoring'])(
    '%s: pending, applied, then unchanged; check changes nothing',
    async (phase) => {
      const before = await host.callCount();
      expect(await host.phase(phase, 'check')).toMatchObject({ result: 'pending', code: 0 });
      expect(await host.writesSince(before)).toEqual([]);
      expect(await host.phase(phase)).toMatchObject({ result: 'applied', code: 0 });
      const after = await host.callCount();
      expect(await host.phase(phase)).toMatchObject({ result: 'unchanged', code: 0 });
      expect(await host.phase(phase, 'check')).toMatchObject({ result: 'unchanged', code: 0 });
      expect(await host.writesSince(after)).toEqual([]);
    },
  );

  it('installed docker from the configured repository and runs it', async () => {
    expect(await farm.readFile(401, '/etc/apt/sources.list.d/docker.list')).toBe(
      'deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable\n',
    );
    const calls = await farm.calls(401);
    expect(calls).toContainEqual({
      cmd: 'curl',
      args: [
        '-fsSL',
        '--retry',
        '3',
        '-o',
        '/etc/apt/keyrings/docker.asc',
        'https://download.docker.com/linux/debian/gpg',
      ],
    });
    expect(calls).toContainEqual({
      cmd: 'curl',
      args: [
        '-fsSL',
        '--retry',
        '3',
        '-o',
        '/etc/apt/keyrings/gitlab-runner.asc',
        'https://packages.gitlab.com/runner/gitlab-runner/gpgkey',
      ],
    });
    for (const unit of ['docker', 'gitlab-runner', 'prometheus-node-exporter']) {
      expect(await farm.readFile(401, `/var/lib/sim/units/${unit}.active`)).not.toBeNull();
    }
  });

  it('set the firewall: deny incoming, ssh from management networks, metrics from prometheus networks', async () => {
    expect(await farm.readFile(401, '/var/lib/sim/ufw/rules')).toBe(
      [
        'ufw allow from 10.20.0.0/16 to any port 2222 proto tcp',
        ...['10.30.0.0/24', '192.168.7.0/24'].flatMap((net) =>
          [9100, 8080, 9252].map((port) => `ufw allow from ${net} to any port ${port} proto tcp`),
        ),
        '',
      ].join('\n'),
    );
    expect(await farm.readFile(401, '/etc/default/ufw')).toContain('DEFAULT_INPUT_POLICY="DROP"');
    expect(await farm.readFile(401, '/var/lib/sim/ufw/active')).not.toBeNull();
  });

  it('started cAdvisor from the configured image, taken literally, and node_exporter', async () => {
    const run = (await farm.calls(401)).find((c) => c.cmd === 'docker' && c.args[0] === 'run');
    expect(run?.args.at(-1)).toBe(INJECTED_IMAGE);
    expect(run?.args).toEqual(expect.arrayContaining(['--name=cadvisor', '--network=host']));
    expect(await farm.readFile(401, '/var/lib/sim/containers/cadvisor/image')).toBe(INJECTED_IMAGE);
    expect((await farm.calls(401)).filter((c) => c.cmd === 'reboot')).toEqual([]);
    expect(await farm.metricsPorts(401)).toEqual([8080, 9100]);
  });

  it('verify fails while config.toml is missing, naming what is wrong', async () => {
    expect(await host.phase('verify')).toMatchObject({ result: 'failed', detail: 'config.toml-missing', code: 1 });
  });
});

describe('networks ufw prints otherwise than they are written', () => {
  it('a single host (/32, /128) or an upper-case IPv6 network: the rules are added once, then unchanged', async () => {
    const base = provisionSettings({ sshPort: PORT });
    const host = await vm(406, { ...base, managementNetworks: ['10.0.2.2/32'], prometheusNetworks: ['FD00::9/128'] });
    expect(await host.phase('firewall')).toMatchObject({ result: 'applied', code: 0 });
    expect(await farm.readFile(406, '/var/lib/sim/ufw/rules')).toContain(
      'ufw allow from 10.0.2.2 to any port 2222 proto tcp\nufw allow from fd00::9 to any port 9100 proto tcp',
    );
    const after = await host.callCount();
    expect(await host.phase('firewall', 'check')).toMatchObject({ result: 'unchanged', code: 0 });
    expect(await host.phase('firewall')).toMatchObject({ result: 'unchanged', code: 0 });
    expect(await host.writesSince(after)).toEqual([]);
  });
});

describe('the dpkg lock', () => {
  it('is waited for up to the timeout, then the phase fails; once free the phase applies', async () => {
    const host = await vm(402, { ...provisionSettings({ sshPort: PORT, phaseMs: 2000 }) });
    await farm.writeFile(402, '/var/lib/sim/dpkg-lock-held', '');
    const held = await host.phase('docker');
    expect(held).toMatchObject({ result: 'failed', code: 1 });
    expect(held.detail).toMatch(/^apt-get update failed \(exit 100\)$/);
    expect((await farm.calls(402)).find((c) => c.cmd === 'apt-get')?.args).toEqual(
      expect.arrayContaining(['-o', 'DPkg::Lock::Timeout=1']),
    );
    await farm.removeFile(402, '/var/lib/sim/dpkg-lock-held');
    expect(await host.phase('docker')).toMatchObject({ result: 'applied' });
  });
});

describe('bad input', () => {
  it('refuses an unknown phase and a missing env file with a result line', async () => {
    const host = await vm(403, provisionSettings({ sshPort: PORT }));
    expect(await host.phase('reboot')).toMatchObject({ result: 'failed', code: 1 });
    const session = sessions.at(-1)!;
    const out = await session.exec(
      shellCommand(['sudo', '-n', 'sh', BOOTSTRAP_SCRIPT_PATH, 'docker', '/etc/runnerbot/none.env']),
    );
    expect(parsePhaseResult('docker', out.stdout)).toEqual({
      result: 'failed',
      detail: 'env file /etc/runnerbot/none.env not readable',
    });
  });

  it('refuses a package name that would be an apt option, and a mirror URL that would add a line, before any apt call', async () => {
    const base = provisionSettings({ sshPort: PORT });
    const option = await vm(404, {
      ...base,
      sources: { ...base.sources, nodeExporterPackage: '-oDpkg::Pre-Invoke::=touch /pwned' },
    });
    expect(await option.phase('monitoring')).toMatchObject({
      result: 'failed',
      detail: 'NODE_EXPORTER_PACKAGE is not a Debian package name',
      code: 1,
    });
    const mirror = await vm(405, {
      ...base,
      sources: { ...base.sources, aptMirror: 'http://deb.example/debian\ndeb http://evil.example/ x main' },
    });
    expect(await mirror.phase('docker')).toMatchObject({ result: 'failed', code: 1 });
    expect(await option.writesSince(0)).toEqual([]);
    expect(await mirror.writesSince(0)).toEqual([]);
    expect(await farm.readFile(405, '/etc/apt/sources.list')).toBeNull();
  });
});
