// Issue 3, permanent faults: a Proxmox token without rights, a template that does not exist, a
// name used by a VM that is not runnerbot's, a GitLab token without the create_runner scope. Each
// provision stops in its first attempt — no retry, the refused request made once — with a message
// that names the cause.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAccessToken } from '../../../sim/gitlab/index.ts';
import type { SimToken } from '../../../sim/proxmox/index.ts';
import { requestProvision, runToEnd } from './support/drive.ts';
import { startWorld, type World } from './support/world.ts';
import { LAYOUT } from './support/world-config.ts';

const AUDITOR: SimToken = {
  id: 'auditor@pve!readonly',
  secret: randomUUID(),
  privileges: ['VM.Audit', 'Sys.Audit', 'Pool.Audit', 'Datastore.Audit'],
};
const NO_CREATE: SimAccessToken = {
  token: 'glpat-sim-nocreate-0000000',
  scopes: ['read_api', 'manage_runner'],
  admin: true,
  user: 'root',
};
const FOREIGN = { vmid: 5150, node: LAYOUT.node, name: 'gitlab-runner-taken', running: true, tags: ['database'] };

let world: World;
beforeAll(async () => {
  world = await startWorld({
    proxmox: {
      tokens: [{ id: 'runnerbot@pve!runnerbot', secret: randomUUID(), privileges: 'all' }, AUDITOR],
      vms: [FOREIGN],
    },
    gitlab: {
      tokens: [
        {
          token: 'glpat-sim-admin-0000000000',
          scopes: ['create_runner', 'manage_runner', 'read_api'],
          admin: true,
          user: 'root',
        },
        NO_CREATE,
      ],
    },
  });
}, 60_000);
afterAll(() => world?.close(), 60_000);

const proxmoxCalls = (method: string, pathEnd: string) =>
  world.proxmox.requests.filter((r) => r.method === method && r.path.endsWith(pathEnd));
const vmsNamed = (name: string) => [...world.proxmox.state.vms.values()].filter((vm) => vm.config.name === name);

describe.concurrent('a provision that meets a permanent fault', () => {
  it('stops at the clone when the Proxmox token lacks VM.Clone, naming the token and privilege', async () => {
    const run = await requestProvision(world, 'gitlab-runner-noright');
    const outcome = await runToEnd(world, run, { stepDeps: world.stepDepsWith({ proxmoxToken: AUDITOR }) });
    expect(outcome).toMatchObject({
      attempts: 1,
      retried: [],
      run: { status: 'failed', error: { step: 'clone', code: 'PROXMOX.FORBIDDEN' } },
    });
    expect(outcome.error?.message).toMatch(/auditor@pve!readonly may not clone template 9000.*VM\.Clone/);
    expect(outcome.error?.message).not.toContain(AUDITOR.secret);
    expect(
      proxmoxCalls('POST', '/qemu/9000/clone')
        .filter((r) => r.params.name === 'gitlab-runner-noright')
        .map((r) => r.status),
    ).toEqual([403]);
    expect(vmsNamed('gitlab-runner-noright')).toEqual([]);
  });

  it('stops at the clone when the template does not exist, naming the VMID', async () => {
    const run = await requestProvision(world, 'gitlab-runner-notemplate');
    const outcome = await runToEnd(world, run, { stepDeps: world.stepDepsWith({ templateVmid: 9999 }) });
    expect(outcome).toMatchObject({
      attempts: 1,
      retried: [],
      run: { status: 'failed', error: { step: 'clone', code: 'PROXMOX.TEMPLATE_MISSING' } },
    });
    expect(outcome.error?.message).toMatch(/template VM 9999 on pve1 does not exist/);
    expect(proxmoxCalls('POST', '/clone').filter((r) => r.params.name === 'gitlab-runner-notemplate')).toEqual([]);
  });

  it('refuses a name that a VM runnerbot does not manage already has, and leaves that VM alone', async () => {
    const run = await requestProvision(world, FOREIGN.name);
    const outcome = await runToEnd(world, run);
    expect(outcome).toMatchObject({
      attempts: 1,
      retried: [],
      run: { status: 'failed', checkpoint: 0, error: { step: 'find-vm', code: 'RUNNER.NOT_OURS' } },
    });
    expect(outcome.error?.message).toMatch(
      /VM 5150 "gitlab-runner-taken" on pve1 is not managed by runnerbot \(it lacks the tags gitlab-runner and runnerbot\)/,
    );
    expect(world.proxmox.requests.filter((r) => r.method !== 'GET' && r.path.includes('/5150'))).toEqual([]);
    expect(vmsNamed(FOREIGN.name).map((vm) => [vm.vmid, vm.status, vm.config.tags])).toEqual([
      [5150, 'running', 'database'],
    ]);
  });

  it('stops at create-runner when the GitLab token lacks create_runner, keeping the VM and saying what exists', async () => {
    const run = await requestProvision(world, 'gitlab-runner-noscope');
    const outcome = await runToEnd(world, run, { stepDeps: world.stepDepsWith({ gitlabToken: NO_CREATE }) });
    expect(outcome).toMatchObject({
      attempts: 1,
      retried: [],
      run: { status: 'failed', error: { step: 'create-runner', code: 'GITLAB.FORBIDDEN' } },
    });
    expect(outcome.error?.message).toMatch(/could not create a runner: .*needs the create_runner scope/);
    expect(outcome.error?.message).not.toContain(NO_CREATE.token);
    const creations = world.gitlab
      .requests()
      .filter((r) => r.operationId === 'postApiV4UserRunners' && r.body?.description === 'gitlab-runner-noscope');
    expect(creations.map((r) => r.status)).toEqual([403]);
    expect(world.gitlab.runners().filter((r) => r.description === 'gitlab-runner-noscope')).toEqual([]);
    expect(vmsNamed('gitlab-runner-noscope').map((vm) => vm.vmid)).toEqual([outcome.run.outputs.vmid]);
  });
});
