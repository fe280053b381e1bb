// Issue 3, "interrupted after each step in turn": a worker dies right after each step of the
// provision plan is saved (it runs no further line, its SSH connections drop, its lock expires);
// a fresh worker with a fresh JobMemory takes the run over. Every case must end exactly like an
// uninterrupted provision: one VM, one GitLab runner, one VMID, a working token, nothing orphaned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFor } from '../../../src/core/plan.ts';

const PROVISION_STEPS = planFor('provision');
import { dieAfter, requestProvision, runToEnd } from './support/drive.ts';
import { endState, healthy } from './support/end-state.ts';
import { startWorld, type World } from './support/world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
}, 60_000);
afterAll(() => world?.close(), 60_000);

const ZOMBIE = 'gitlab-runner-comes-back';
const cases = PROVISION_STEPS.map((step, i) => ({ step, name: `gitlab-runner-cut-${String(i + 1).padStart(2, '0')}` }));

describe('a provision whose worker dies after a step', () => {
  it.concurrent.each(cases)('resumes after $step to the same end state ($name)', async ({ step, name }) => {
    const run = await requestProvision(world, name);
    const { left } = await dieAfter(world, run, step);
    expect(left).toMatchObject({ status: 'running', checkpoint: PROVISION_STEPS.indexOf(step) + 1 });

    const resumed = await runToEnd(world, run);
    expect(resumed.error).toBeUndefined();
    expect(resumed.events.filter((e) => e.type === 'step-started').map((e) => 'step' in e && e.step)).toEqual(
      PROVISION_STEPS.slice(PROVISION_STEPS.indexOf(step) + 1),
    );
    expect(await endState(world, run)).toEqual(healthy(resumed.run.outputs.vmid!));
  });
});

describe('a dead worker that comes back', () => {
  it('finds its lock taken and changes nothing, even on its last attempt', async () => {
    const run = await requestProvision(world, ZOMBIE);
    const dead = await dieAfter(world, run, 'wait-ssh', { finalAttempt: true });
    const resumed = await runToEnd(world, run);
    expect(resumed.run.status).toBe('succeeded');

    expect(await dead.wake()).toMatchObject({ code: 'LOCK.LOST' });
    const after = await world.stores.runs.get(run.id);
    expect(after).toMatchObject({ status: 'succeeded', checkpoint: PROVISION_STEPS.length });
    expect(after?.error).toBeUndefined();
    expect(await endState(world, run)).toEqual(healthy(resumed.run.outputs.vmid!));
  });
});

describe('the world after every interrupted provision', () => {
  it('holds the VMs, machines, runners and VMID claims of the cases and nothing else', async () => {
    const names = [...cases.map((c) => c.name), ZOMBIE].sort();
    const vms = [...world.proxmox.state.vms.values()].filter((vm) => vm.config.template !== '1');
    expect(vms.map((vm) => vm.config.name).sort()).toEqual(names);
    expect(
      world.farm
        .list()
        .map((m) => m.name)
        .sort(),
    ).toEqual(names);
    expect(
      world.gitlab
        .runners()
        .map((r) => r.description)
        .sort(),
    ).toEqual(names);
    const claims = await world.redis.keys(`${world.prefix}:vmid:*`);
    expect(claims.map((k) => Number(k.split(':').at(-1))).sort()).toEqual(vms.map((vm) => vm.vmid).sort());
  });
});
