// bootstrap.sh's site sources on a fake VM (real sshd, recording stand-ins): Docker from Debian
// (docker.io) by configuration, pinned versions, a Docker registry mirror, and the repair of a
// dpkg that was killed mid-install — all found or confirmed on the real VM (npm run test:vm).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_ENV_PATH, BOOTSTRAP_SCRIPT_PATH, renderBootstrapEnv } from '../../../src/core/bootstrap-env.ts';
import type { ProvisionSettings } from '../../../src/core/settings.ts';
import type { RemoteSession } from '../../../src/core/ports.ts';
import { shellCommand } from '../../../src/core/shell-quote.ts';
import { parsePhaseResult } from '../../../src/app/steps/remote-steps.ts';
import { createSshShell } from '../../../src/provisioner/ssh.ts';
import { provisionSettings } from '../../../sim/vm/fixtures.ts';
import { createVmFarm, generateSshKeyPair, type SshKeyPair, type VmFarm } from '../../../sim/vm/index.ts';

const PORT = 2222;
let farm: VmFarm;
let key: SshKeyPair;
let script: string;
const sessions: RemoteSession[] = [];

beforeAll(async () => {
  script = await readFile(new URL('../../../src/provisioner/remote/bootstrap.sh', import.meta.url), 'utf8');
  key = await generateSshKeyPair();
  farm = await createVmFarm({ sshPort: PORT });
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await farm?.close();
});

function settings(sources: Partial<ProvisionSettings['sources']>): ProvisionSettings {
  const base = provisionSettings({ sshPort: PORT });
  return { ...base, sources: { ...base.sources, ...sources } };
}

async function vm(vmid: number, s: ProvisionSettings) {
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
  await session.writeFile(BOOTSTRAP_ENV_PATH, renderBootstrapEnv(s), 0o600);
  return async (phase: string) => {
    const out = await session.exec(
      shellCommand(['sudo', '-n', 'sh', BOOTSTRAP_SCRIPT_PATH, phase, BOOTSTRAP_ENV_PATH]),
    );
    return parsePhaseResult(phase, out.stdout);
  };
}

const installs = async (vmid: number) =>
  (await farm.calls(vmid))
    .filter((c) => c.cmd === 'apt-get' && c.args.includes('install'))
    .map((c) => c.args.slice(c.args.indexOf('install') + 1).filter((a) => !a.startsWith('-')));

describe('docker from Debian, pinned versions, a registry mirror', () => {
  it('installs docker.io with no Docker repository or key, and writes the mirror into daemon.json', async () => {
    const phase = await vm(501, settings({ dockerSource: 'debian', registryMirror: 'http://mirror.example:5000' }));
    expect(await phase('docker')).toMatchObject({ result: 'applied' });
    expect(await installs(501)).toEqual([['docker.io']]);
    expect(await farm.readFile(501, '/etc/apt/sources.list.d/docker.list')).toBeNull();
    expect(await farm.readFile(501, '/etc/apt/keyrings/docker.asc')).toBeNull();
    expect(JSON.parse((await farm.readFile(501, '/etc/docker/daemon.json'))!)).toEqual({
      'registry-mirrors': ['http://mirror.example:5000'],
    });
    expect(await phase('docker')).toMatchObject({ result: 'unchanged' });
  });

  it('installs the pinned versions and reinstalls when the pin changes', async () => {
    const pinned = settings({ dockerVersion: '5:27.5.1-1~debian.12~bookworm', runnerVersion: '17.7.0-1' });
    const phase = await vm(502, pinned);
    expect(await phase('docker')).toMatchObject({ result: 'applied' });
    expect(await phase('runner')).toMatchObject({ result: 'applied' });
    expect(await installs(502)).toEqual([
      ['docker-ce=5:27.5.1-1~debian.12~bookworm', 'docker-ce-cli=5:27.5.1-1~debian.12~bookworm', 'containerd.io'],
      ['gitlab-runner=17.7.0-1'],
    ]);
    expect(await phase('runner')).toMatchObject({ result: 'unchanged' });
    const repinned = settings({ dockerVersion: '5:27.5.1-1~debian.12~bookworm', runnerVersion: '17.8.0-1' });
    await sessions.at(-1)!.writeFile(BOOTSTRAP_ENV_PATH, renderBootstrapEnv(repinned), 0o600);
    expect(await phase('runner')).toMatchObject({ result: 'applied', detail: 'install gitlab-runner=17.8.0-1' });
  });
});

describe('an apt mirror', () => {
  it('replaces the Debian sources and keeps security updates, from Debian or a configured security mirror', async () => {
    const phase = await vm(505, settings({ aptMirror: 'http://mirror.example/debian' }));
    expect(await phase('docker')).toMatchObject({ result: 'applied' });
    expect(await farm.readFile(505, '/etc/apt/sources.list')).toBe(
      [
        'deb http://mirror.example/debian bookworm main',
        'deb http://mirror.example/debian bookworm-updates main',
        'deb http://security.debian.org/debian-security bookworm-security main',
        '',
      ].join('\n'),
    );
    expect(await phase('docker')).toMatchObject({ result: 'unchanged' });
    const own = await vm(
      506,
      settings({
        aptMirror: 'http://mirror.example/debian',
        aptSecurityMirror: 'http://mirror.example/debian-security',
      }),
    );
    expect(await own('docker')).toMatchObject({ result: 'applied' });
    expect(await farm.readFile(506, '/etc/apt/sources.list')).toContain(
      'deb http://mirror.example/debian-security bookworm-security main\n',
    );
  });
});

describe('a dpkg killed mid-install', () => {
  it('is repaired with dpkg --configure -a before installing (apt refuses until then)', async () => {
    const phase = await vm(503, settings({}));
    await farm.writeFile(503, '/var/lib/dpkg/updates/0001', 'Package: ufw\n');
    const result = await phase('firewall');
    expect(result).toMatchObject({ result: 'applied' });
    expect(result?.detail).toMatch(/^install ufw; dpkg --configure -a \(dpkg was interrupted\)/);
    expect((await farm.calls(503)).some((c) => c.cmd === 'dpkg' && c.args.join(' ') === '--configure -a')).toBe(true);
  });

  it('reinstalls a package it left half unpacked, which a plain apt-get install leaves broken', async () => {
    const phase = await vm(504, settings({}));
    await farm.writeFile(504, '/var/lib/dpkg/updates/0001', 'Package: ufw\n');
    await farm.writeFile(504, '/var/lib/sim/packages/ufw', '1.0-sim\n');
    await farm.writeFile(504, '/var/lib/sim/half-installed/ufw', '');
    expect(await phase('firewall')).toMatchObject({ result: 'applied' });
    const installs = (await farm.calls(504)).filter((c) => c.cmd === 'apt-get' && c.args.includes('install'));
    expect(installs.map((c) => c.args.slice(c.args.indexOf('install') + 1))).toEqual([
      ['--no-install-recommends', '--allow-downgrades', '--reinstall', 'ufw'],
    ]);
    expect(await farm.readFile(504, '/var/lib/sim/half-installed/ufw')).toBeNull();
    expect(await phase('firewall')).toMatchObject({ result: 'unchanged' });
  });
});
