// The remote steps (wait-ssh, bootstrap-*, write-config, verify) run the way run-job runs them,
// with the real SSH adapter against a fake VM and the real GitLab adapter against the GitLab
// simulator: one connection per job, everything applied once, a second job applies nothing,
// a resumed job without the token gets a new one, and the token shows up only in config.toml.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderConfigToml } from '../../../src/core/config-toml.ts';
import type { Clock } from '../../../src/core/ports.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import { REMOTE_STEPS, RUNNER_CONFIG_PATH } from '../../../src/app/steps/remote-steps.ts';
import { createRunner } from '../../../src/app/steps/runner-steps.ts';
import type { JobMemory, Step, StepContext, StepDeps } from '../../../src/app/steps/step.ts';
import { createGitlabRegistry } from '../../../src/provisioner/gitlab.ts';
import { createSshShell } from '../../../src/provisioner/ssh.ts';
import { startGitlabSim, type GitlabSim } from '../../../sim/gitlab/index.ts';
import { provisionSettings, runnerSpec } from '../../../sim/vm/fixtures.ts';
import { runRecord } from '../../support/run-record.ts';
import { createVmFarm, generateSshKeyPair, type SshKeyPair, type VmFarm } from '../../../sim/vm/index.ts';

const PORT = 2222;
const ORDER = [
  'wait-ssh',
  'bootstrap-docker',
  'bootstrap-runner',
  'bootstrap-firewall',
  'bootstrap-monitoring',
  'create-runner',
  'write-config',
  'verify',
] as const;
const STEPS: Record<(typeof ORDER)[number], Step> = { ...REMOTE_STEPS, 'create-runner': createRunner };

let farm: VmFarm;
let gitlab: GitlabSim;
let key: SshKeyPair;
let script: string;
const seen: string[] = [];

const clock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

function deps(phaseMs?: number): StepDeps {
  const used = {
    remote: createSshShell({ user: 'runnerbot', port: PORT, privateKey: key.privateKey, knownHosts: 'off' }),
    registry: createGitlabRegistry({ url: gitlab.url, token: gitlab.token, runnerType: 'instance_type' }),
    clock,
    settings: provisionSettings({ gitlabUrl: gitlab.url, sshPort: PORT, ...(phaseMs ? { phaseMs } : {}) }),
    bootstrapScript: script,
  };
  return new Proxy(used, {
    get: (target, k) => {
      if (k in target) return target[k as keyof typeof target];
      throw new Error(`remote steps must not use deps.${String(k)}`);
    },
  }) as unknown as StepDeps;
}

function newRun(ip: string, name: string): RunRecord {
  return runRecord({
    id: `r_${name}`,
    runner: name,
    spec: runnerSpec({ name }),
    plan: [...ORDER],
    status: 'running',
    outputs: { ip, vmid: 1 },
  });
}

/** One job attempt in a fresh process: its own memory and connection; steps from `from` on. */
async function job(run: RunRecord, from = 0, phaseMs?: number) {
  const d = deps(phaseMs);
  const memory: JobMemory = {};
  const applied: string[] = [];
  try {
    for (const name of ORDER.slice(from)) {
      const ctx: StepContext = { run, deps: d, memory, signal: new AbortController().signal };
      const check = await STEPS[name].check(ctx);
      const outputs = check.done ? (check.outputs ?? {}) : ((await STEPS[name].apply(ctx)) ?? {});
      if (!check.done) applied.push(name);
      run = { ...run, outputs: { ...run.outputs, ...outputs } };
      seen.push(JSON.stringify(run.outputs));
    }
  } catch (e) {
    seen.push(String(e), JSON.stringify(e));
    throw e;
  } finally {
    await memory.session?.close();
  }
  return { run, applied, memory };
}

async function boot(vmid: number, name: string) {
  const { ip } = await farm.boot({ vmid, name, ciuser: 'runnerbot', sshPublicKey: key.publicKey });
  return newRun(ip, name);
}

const logins = async (vmid: number) => ((await farm.sshdLog(vmid)).match(/Accepted publickey/g) ?? []).length;
const restarts = async (vmid: number) =>
  (await farm.calls(vmid)).filter((c) => c.cmd === 'systemctl' && c.args.join(' ') === 'restart gitlab-runner').length;
const tokenOf = (toml: string | null) => /^\s*token = "(.*)"$/m.exec(toml ?? '')?.[1];

beforeAll(async () => {
  script = await readFile(new URL('../../../src/provisioner/remote/bootstrap.sh', import.meta.url), 'utf8');
  key = await generateSshKeyPair();
  [farm, gitlab] = await Promise.all([createVmFarm({ sshPort: PORT }), startGitlabSim()]);
});
afterAll(async () => {
  await farm?.close();
  await gitlab?.close();
});

describe('a provision job on a fresh VM', () => {
  let first: Awaited<ReturnType<typeof job>>;
  beforeAll(async () => {
    const run = await boot(501, 'gitlab-runner-51');
    await farm.writeFile(501, '/var/lib/sim/cloud-init-status', 'running');
    const finishBoot = (async () => {
      // cloud-init finishes only once the job is waiting for it
      while (!(await farm.calls(501)).some((c) => c.cmd === 'cloud-init' && c.args.includes('--wait')))
        await clock.sleep(20);
      await farm.removeFile(501, '/var/lib/sim/cloud-init-status');
    })();
    first = await job(run);
    await finishBoot;
  });

  it('waits for cloud-init, then applies every step over one SSH connection', async () => {
    // verify finds the runner working at once, so it is done at its check.
    expect(first.applied).toEqual(ORDER.filter((s) => s !== 'verify'));
    expect((await farm.calls(501)).filter((c) => c.cmd === 'cloud-init').map((c) => c.args.join(' '))).toEqual([
      'status',
      'status --wait',
    ]);
    expect(await logins(501)).toBe(1);
    expect(first.run.outputs.phases).toEqual({
      docker: 'applied',
      runner: 'applied',
      firewall: 'applied',
      monitoring: 'applied',
    });
  });

  it('leaves config.toml with the runner token and the profile, mode 0600, and restarts the runner once', async () => {
    const toml = await farm.readFile(501, RUNNER_CONFIG_PATH);
    const times = first.memory.runnerTokenTimes!;
    expect(toml).toBe(
      renderConfigToml({
        spec: first.run.spec,
        gitlabUrl: gitlab.url,
        runnerId: first.run.outputs.runnerId!,
        token: first.memory.runnerToken!,
        tokenObtainedAt: times.obtainedAt,
        tokenExpiresAt: times.expiresAt,
      }),
    );
    expect(tokenOf(toml)).toMatch(/^glrt-/);
    expect(toml).toContain(String.raw`"registry.example.com/ci/$(reboot):\"x y\""`);
    expect((await stat(join(farm.vm(501).root, RUNNER_CONFIG_PATH))).mode & 0o777).toBe(0o600);
    expect(await restarts(501)).toBe(1);
    expect((await farm.calls(501)).filter((c) => c.cmd === 'reboot')).toEqual([]);
  });

  it('ends with the runner online in GitLab and the three metrics endpoints answering', async () => {
    expect(gitlab.runners().find((r) => r.id === first.run.outputs.runnerId)?.contactedAt).toBeDefined();
    expect(await farm.metricsPorts(501)).toEqual([8080, 9100, 9252]);
  });

  it('a second job finds everything done: nothing applied, no restart, no new token', async () => {
    const resets = gitlab.requests().filter((r) => r.path.endsWith('/reset_authentication_token')).length;
    const again = await job(first.run);
    expect(again.applied).toEqual([]);
    expect(again.run.outputs.phases).toEqual({
      docker: 'unchanged',
      runner: 'unchanged',
      firewall: 'unchanged',
      monitoring: 'unchanged',
    });
    expect(await restarts(501)).toBe(1);
    expect(gitlab.requests().filter((r) => r.path.endsWith('/reset_authentication_token')).length).toBe(resets);
    expect(again.memory.runnerToken).toBeUndefined();
  });
});

describe('resumed jobs', () => {
  it('after a crash between create-runner and write-config, a new token is issued and written', async () => {
    const run = await boot(502, 'gitlab-runner-52');
    const crashed = await job(run);
    const lostToken = crashed.memory.runnerToken!;
    await farm.removeFile(502, RUNNER_CONFIG_PATH);
    const resumed = await job(crashed.run, ORDER.indexOf('write-config'));
    expect(resumed.applied).toEqual(['write-config']);
    const written = tokenOf(await farm.readFile(502, RUNNER_CONFIG_PATH));
    expect(written).toMatch(/^glrt-/);
    expect(written).not.toBe(lostToken);
  });

  it('a config.toml that differs from the profile is rewritten and the runner restarted', async () => {
    const run = await boot(503, 'gitlab-runner-53');
    const done = await job(run);
    const changed = { ...done.run, spec: { ...done.run.spec, privileged: false } };
    const resumed = await job(changed, ORDER.indexOf('write-config'));
    expect(resumed.applied).toEqual(['write-config']);
    expect(await farm.readFile(503, RUNNER_CONFIG_PATH)).toContain('privileged = false');
    expect(await restarts(503)).toBe(2);
  });

  it('verify names what is wrong when the VM does not work', async () => {
    const run = await boot(504, 'gitlab-runner-54');
    const done = await job(run);
    await farm.writeFile(504, '/var/lib/sim/containers/cadvisor/running', 'false');
    await expect(job(done.run, ORDER.indexOf('verify'), 500)).rejects.toMatchObject({
      code: 'REMOTE.PHASE_FAILED',
      transient: true,
      message: expect.stringContaining('cadvisor-not-running'),
    });
  });
});

it('the runner token never appears in step outputs, errors or GitLab’s request log', () => {
  const everything = [...seen, JSON.stringify(gitlab.requests())].join('\n');
  expect(everything).not.toMatch(/glrt-/);
});

it('writes no token into any call the stand-ins recorded', async () => {
  for (const vm of farm.list()) expect(JSON.stringify(await farm.calls(vm.vmid))).not.toContain('glrt-');
});
