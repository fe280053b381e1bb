// Issue 18, crash safety of replace-then-retire: a worker dies right after each boundary of a
// rebuild (the successor half made, made, verified; the old runner paused, deleted, its VM gone,
// its record cleared; the name handed over) and a fresh worker takes the run over. Every case
// ends with exactly one VM and one GitLab runner for the name, both new, and no successor left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepName } from '../../../src/core/plan.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import { dieAfter, requestProvision, requestRebuild, runToEnd } from './support/drive.ts';
import { startWorld, type World } from './support/world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
}, 60_000);
afterAll(() => world?.close(), 60_000);

const BOUNDARIES: StepName[] = [
  'successor:clone',
  'successor:create-runner',
  'successor:verify',
  'pause-runner',
  'delete-runner',
  'delete-vm',
  'clear-records',
  'adopt-successor',
];
const cases = BOUNDARIES.map((step, i) => ({ step, name: `gitlab-runner-swap-${String(i + 1).padStart(2, '0')}` }));

const vmsNamed = (name: string) => [...world.proxmox.state.vms.values()].filter((vm) => vm.config.name === name);
const runnersNamed = (name: string) => world.gitlab.runners().filter((r) => r.description === name);

async function provisioned(name: string): Promise<RunRecord> {
  const outcome = await runToEnd(world, await requestProvision(world, name));
  expect(outcome.run.status).toBe('succeeded');
  return outcome.run;
}

/** One VM and one online GitLab runner for the name, neither the old one's; no NAME.next anywhere. */
async function expectReplaced(name: string, old: RunRecord, rebuilt: RunRecord): Promise<void> {
  const vms = vmsNamed(name);
  const runners = runnersNamed(name);
  expect(vms.map((vm) => vm.vmid)).toEqual([rebuilt.outputs.vmid]);
  expect(runners.map((r) => r.id)).toEqual([rebuilt.outputs.runnerId]);
  expect(rebuilt.outputs.vmid).not.toBe(old.outputs.vmid);
  expect(rebuilt.outputs.runnerId).not.toBe(old.outputs.runnerId);
  expect(world.gitlab.isOnline(runners[0]!.id)).toBe(true);
  expect(vmsNamed(`${name}.next`)).toEqual([]);
  expect(runnersNamed(`${name}.next`)).toEqual([]);
  expect(world.proxmox.state.vms.has(old.outputs.vmid!)).toBe(false);
  expect(await world.stores.fleet.get(name)).toMatchObject({
    vmid: rebuilt.outputs.vmid,
    runnerId: rebuilt.outputs.runnerId,
    ip: rebuilt.outputs.ip,
  });
  expect(rebuilt.outputs.successor).toBeUndefined();
}

describe('a rebuild whose worker dies after a step', () => {
  it.concurrent.each(cases)('resumes after $step to one new VM and runner ($name)', async ({ step, name }) => {
    const old = await provisioned(name);
    const run = await requestRebuild(world, name);
    const { left } = await dieAfter(world, run, step);
    expect(left).toMatchObject({ status: 'running', checkpoint: run.plan.indexOf(step) + 1 });

    const resumed = await runToEnd(world, run);
    expect(resumed.error).toBeUndefined();
    expect(resumed.run.status).toBe('succeeded');
    await expectReplaced(name, old, resumed.run);
  });

  it('resumes a hand-over cut between the two renames (the VM renamed, the GitLab runner not yet)', async () => {
    const name = 'gitlab-runner-swap-half';
    const old = await provisioned(name);
    const run = await requestRebuild(world, name);
    const { left } = await dieAfter(world, run, 'clear-records');
    const successor = left.outputs.successor!;
    world.proxmox.state.vms.get(successor.vmid!)!.config.name = name;
    expect(runnersNamed(`${name}.next`).map((r) => r.id)).toEqual([successor.runnerId]);

    const resumed = await runToEnd(world, run);
    expect(resumed.run.status).toBe('succeeded');
    await expectReplaced(name, old, resumed.run);
  });
});

describe('--in-place', () => {
  it('removes the old runner first, then builds the new one under the same name', async () => {
    const name = 'gitlab-runner-swap-inplace';
    const old = await provisioned(name);
    const run = await requestRebuild(world, name, '--in-place');
    expect(run.plan.slice(0, 2)).toEqual(['pause-runner', 'delete-runner']);
    const outcome = await runToEnd(world, run);
    expect(outcome.run.status).toBe('succeeded');
    const started = outcome.events.flatMap((e) => (e.type === 'step-started' ? [e.step] : []));
    expect(started.indexOf('delete-vm')).toBeLessThan(started.indexOf('clone'));
    await expectReplaced(name, old, outcome.run);
  });
});
