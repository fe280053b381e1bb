// `rotate-token --all` on real Redis, the simulators and fake VMs: every runner in turn; one whose
// config.toml runnerbot cannot rotate is reported with the step and why (before GitLab is asked
// for a new token, so its old one still works), one another run is changing is skipped, and the
// others are rotated all the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitlabTakes, vmToken } from '../../support/runner-token.ts';
import { requestCommand, requestProvision, runToEnd } from './support/drive.ts';
import { startWorld, type World } from './support/world.ts';

const NAMES = ['gitlab-runner-fleet-a', 'gitlab-runner-fleet-b', 'gitlab-runner-fleet-c'];
let world: World;
beforeAll(async () => {
  world = await startWorld();
  for (const name of NAMES) {
    const provisioned = await runToEnd(world, await requestProvision(world, name));
    if (provisioned.run.status !== 'succeeded') throw new Error(`provision failed: ${provisioned.error?.message}`);
  }
}, 180_000);
afterAll(() => world?.close(), 60_000);

const vmidOf = (name: string) => world.farm.list().find((m) => m.name === name)!.vmid;

describe('rotate-token --all', () => {
  it('rotates each runner it can, and names the ones it could not and why', async () => {
    const [rotated, broken, busy] = NAMES as [string, string, string];
    const before = await vmToken(world.farm, vmidOf(rotated));
    const brokenToken = await vmToken(world.farm, vmidOf(broken));
    await world.farm.writeFile(vmidOf(broken), '/etc/gitlab-runner/config.toml', 'concurrent = 1\n');
    const busyRun = await requestCommand(world, ['rotate-token', busy]);

    const fleetRun = await requestCommand(world, ['rotate-token', '--all']);
    expect(fleetRun).toMatchObject({ runner: 'all runners', plan: ['rotate-fleet'] });
    const done = await runToEnd(world, fleetRun);
    expect(done.run.status).toBe('succeeded');
    expect(done.run.outputs.rotations).toEqual({
      [rotated]: 'rotated',
      [broken]: expect.stringMatching(/^failed at reset-token: REMOTE\.PHASE_FAILED: .*config\.toml/),
      [busy]: `skipped: its rotate-token (run ${busyRun.id}) was in progress`,
    });
    expect(await gitlabTakes(world.gitlab, brokenToken)).toBe(true);
    const after = await vmToken(world.farm, vmidOf(rotated));
    expect(await gitlabTakes(world.gitlab, before)).toBe(false);
    expect(await gitlabTakes(world.gitlab, after)).toBe(true);
    expect((await world.stores.fleet.get(rotated))?.tokenObtainedAt).toBeGreaterThan(fleetRun.createdAt);
    expect(JSON.stringify(await world.stores.runs.get(fleetRun.id))).not.toMatch(/glrt-/);
  });
});
