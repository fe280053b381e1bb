// `runnerbot doctor` and a provision against simulators laid out as the shipped example expects
// a small cluster to be: two nodes, one template on pve1, no shared storage (local-lvm only), a
// GitLab that expires runner tokens. Doctor names the problem and its fix; with the fix applied
// (a template on pve2), doctor passes, says where the next runner goes, and the provision lands
// there; the start warns (UEFI without the 2023 certificates) yet succeeds, the warning reaches
// `runnerbot audit`, and config.toml carries the token's expiry.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { slackWorkspace } from '../../sandbox/people.ts';
import { writeRunnerbotConfig, type WrittenConfig } from '../../sandbox/runnerbot-config.ts';
import { PROXMOX_LAYOUT, type Simulators } from '../../sandbox/simulators.ts';
import { startGitlabSim } from '../../sim/gitlab/index.ts';
import { startProxmoxSim } from '../../sim/proxmox/index.ts';
import { seedTemplate } from '../../sim/proxmox/seed.ts';
import { startSlackSim } from '../../sim/slack/index.ts';
import { createVmFarm } from '../../sim/vm/index.ts';

const BIN = new URL('../../bin/runnerbot.js', import.meta.url).pathname;
const GiB = 1024 ** 3;
const DAY_S = 24 * 3600;

let dir: string;
let sims: Simulators;
let config: WrittenConfig;
let redis: Redis;
let prefix: string;

function runnerbot(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...config.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function editProxmox(change: Record<string, unknown>): Promise<void> {
  const yaml = parse(await readFile(config.file, 'utf8')) as { proxmox: Record<string, unknown> };
  Object.assign(yaml.proxmox, change);
  await writeFile(config.file, stringify(yaml));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rbt-e2e-doctor-'));
  const farm = await createVmFarm();
  const [proxmox, gitlab, slack] = await Promise.all([
    startProxmoxSim({
      nodes: [
        { name: 'pve1', freeMemoryBytes: 8 * GiB },
        { name: 'pve2', freeMemoryBytes: 96 * GiB },
      ],
      pools: [PROXMOX_LAYOUT.pool],
      templates: [{ vmid: 9000, node: 'pve1', name: 'debian-12-cloudinit' }],
      vmHost: farm,
    }),
    startGitlabSim({ runnerTokenExpiresInSeconds: 30 * DAY_S }),
    startSlackSim({ ...slackWorkspace, transport: 'socket' }),
  ]);
  sims = {
    proxmox,
    gitlab,
    slack,
    farm,
    stop: async () => {
      await Promise.allSettled([slack.close(), gitlab.close(), proxmox.close()]);
      await farm.close();
    },
  };
  prefix = `rbt-doctor-${randomBytes(5).toString('hex')}`;
  const redisUrl = process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  redis = new Redis(redisUrl);
  config = await writeRunnerbotConfig({
    dir,
    sims,
    redis: { url: redisUrl, prefix },
    httpPort: 0,
    alertsToken: randomBytes(8).toString('hex'),
  });
  // the shipped example's Proxmox layout: both nodes, the template on pve1, clones onto local-lvm
  await editProxmox({
    nodes: ['pve1', 'pve2'],
    templateVmid: 9000,
    templateNode: 'pve1',
    templates: {},
    storage: 'local-lvm',
  });
}, 120_000);

afterAll(async () => {
  await sims?.stop();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('runnerbot doctor on the shipped example layout', () => {
  it('fails, naming the node the template cannot reach and what to change', async () => {
    const result = await runnerbot(['doctor']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✓ proxmox: reachable at');
    expect(result.stdout).toContain('✓ proxmox template for pve1: clones template 9000 from pve1');
    expect(result.stdout).toContain(
      '✗ proxmox template for pve2: template 9000 is on pve1 and storage local-lvm is not shared, so Proxmox cannot clone it to pve2\n    fix: make a template on pve2 and set proxmox.templates.pve2 to its VMID',
    );
    expect(result.stdout).toMatch(/^✓ proxmox privileges on \/sdn\/zones\/localnetwork\/vmbr0: SDN.Use$/m);
    expect(result.stdout).toMatch(
      /^✓ proxmox room for a rebuild: replace-then-retire is possible: pve\d has \d+ MiB free/m,
    );
    expect(result.stdout).toMatch(/^✓ gitlab runners: the token created and deleted a probe instance_type runner/m);
    expect(result.stdout).toMatch(/^✓ slack scopes: /m);
    expect(result.stdout).toMatch(/^✓ redis: /m);
    expect(result.stdout).toMatch(/^1 of \d+ checks failed$/m);
    expect(sims.gitlab.runners()).toEqual([]);
    expect(sims.proxmox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('passes once pve2 has its own template, and the provision lands on the node it named', async () => {
    seedTemplate(sims.proxmox.state, { vmid: 9001, node: 'pve2', name: 'debian-12-cloudinit', oldEfiCerts: true });
    await editProxmox({ templates: { pve2: 9001 } });
    const doctor = await runnerbot(['doctor']);
    expect(doctor.stdout).toContain('✓ proxmox template for pve2: clones template 9001 from pve2');
    expect(doctor.stdout).toMatch(/^✓ proxmox placement: the next runner goes to pve2 /m);
    expect(doctor.stdout).toMatch(/^all \d+ checks passed$/m);
    expect(doctor.code).toBe(0);

    const provision = await runnerbot(['provision', 'gitlab-runner-31']);
    expect(provision.stderr).toBe('');
    expect(provision.code).toBe(0);
    expect(provision.stdout).toMatch(/provision of gitlab-runner-31 succeeded .*node pve2/);
    const vm = [...sims.proxmox.state.vms.values()].find((v) => v.config.name === 'gitlab-runner-31');
    expect(vm).toMatchObject({ node: 'pve2', status: 'running' });
    const start = [...sims.proxmox.tasks.values()].find((t) => t.type === 'qmstart' && t.id === String(vm!.vmid));
    expect(start?.exitstatus).toBe('WARNINGS: 1');
  });

  it('keeps the start warning in the audit trail', async () => {
    const audit = await runnerbot(['audit', 'gitlab-runner-31', '--verbose']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/step=start .*warnings=start VM \d+: EFI disk without 'ms-cert=2023k' option/);
  });

  it("writes the runner token's expiry into config.toml", async () => {
    const vm = [...sims.proxmox.state.vms.values()].find((v) => v.config.name === 'gitlab-runner-31')!;
    const [runner] = sims.gitlab.runners().filter((r) => r.description === 'gitlab-runner-31');
    const toml = (await sims.farm!.readFile(vm.vmid, '/etc/gitlab-runner/config.toml')) ?? '';
    expect(toml).toContain(`  id = ${runner!.id}\n`);
    const expires = /^ {2}token_expires_at = (\S+)$/m.exec(toml)?.[1];
    expect(expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(expires!) - Date.now()).toBeGreaterThan(29 * DAY_S * 1000);
    expect(toml).toMatch(/^ {2}token_obtained_at = \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
  });
});
