// Issue 18 part 2, crash safety: a worker dies right after each step of a token rotation is saved
// (after reset-token, GitLab already refuses the old token and the new one died with the worker);
// a fresh worker takes the run over. Every case must end with a config.toml whose token GitLab
// takes, the token before the rotation refused, and the fleet record holding the new token's times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROTATE_TOKEN_STEPS } from '../../../src/core/plan.ts';
import { gitlabTakes, vmToken } from '../../support/runner-token.ts';
import { dieAfter, requestCommand, requestProvision, runToEnd } from './support/drive.ts';
import { startWorld, type World } from './support/world.ts';

let world: World;
const NAME = 'gitlab-runner-rotated';
beforeAll(async () => {
  world = await startWorld();
  const provisioned = await runToEnd(world, await requestProvision(world, NAME));
  if (provisioned.run.status !== 'succeeded') throw new Error(`provision failed: ${provisioned.error?.message}`);
}, 120_000);
afterAll(() => world?.close(), 60_000);

const vmid = () => world.farm.list().find((m) => m.name === NAME)!.vmid;

describe('a token rotation whose worker dies after a step', () => {
  it.each(ROTATE_TOKEN_STEPS.map((step) => ({ step })))(
    'resumes after $step and ends with a working new token',
    async ({ step }) => {
      const before = await vmToken(world.farm, vmid());
      const run = await requestCommand(world, ['rotate-token', NAME]);
      const { left } = await dieAfter(world, run, step);
      expect(left).toMatchObject({ status: 'running', checkpoint: ROTATE_TOKEN_STEPS.indexOf(step) + 1 });
      if (step === 'reset-token') expect(await gitlabTakes(world.gitlab, before)).toBe(false);

      const resumed = await runToEnd(world, run);
      expect(resumed.error).toBeUndefined();
      expect(resumed.run.status).toBe('succeeded');
      const after = await vmToken(world.farm, vmid());
      expect(after).not.toBe(before);
      expect(await gitlabTakes(world.gitlab, before)).toBe(false);
      expect(await gitlabTakes(world.gitlab, after)).toBe(true);
      const record = await world.stores.fleet.get(NAME);
      expect(record?.tokenObtainedAt).toBe(resumed.run.outputs.tokenObtainedAt);
      expect(JSON.stringify(await world.stores.runs.get(run.id))).not.toMatch(/glrt-/);
    },
  );
});
