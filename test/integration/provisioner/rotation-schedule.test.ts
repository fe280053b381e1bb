// The rotation schedule with a fake clock, on real Redis and the simulators: a provisioned runner
// is left alone until its token is `everyDays` old; then the schedule requests a rotate-token run
// (no approval, audited as scheduled), and a worker running it leaves GitLab refusing the old token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleRotations } from '../../../src/app/schedule-rotations.ts';
import { toRequestPolicy } from '../../../src/composition/request-policy.ts';
import { readAudit } from '../../../src/jobs/redis-audit-log.ts';
import { systemIds } from '../../../src/system.ts';
import { ManualClock, MemoryQueue } from '../../support/memory-ports.ts';
import { gitlabTakes, vmToken } from '../../support/runner-token.ts';
import { requestProvision, runToEnd } from './support/drive.ts';
import { startWorld, type World } from './support/world.ts';

const DAY = 24 * 3600_000;
const NAME = 'gitlab-runner-scheduled';
let world: World;
beforeAll(async () => {
  world = await startWorld();
  const provisioned = await runToEnd(world, await requestProvision(world, NAME));
  if (provisioned.run.status !== 'succeeded') throw new Error(`provision failed: ${provisioned.error?.message}`);
}, 120_000);
afterAll(() => world?.close(), 60_000);

describe('the rotation schedule', () => {
  it('fires when the token is everyDays old, and the rotation it asks for replaces the token', async () => {
    const clock = new ManualClock(Date.now());
    const queue = new MemoryQueue();
    const deps = {
      ...world.stores,
      queue,
      notifier: { notify: async () => undefined },
      directory: { groupsOf: async () => [] },
      clock,
      ids: systemIds,
      policy: toRequestPolicy(world.loaded.config),
      rotation: { everyDays: 30, marginDays: 7 },
    };
    clock.current += 29 * DAY;
    expect(await scheduleRotations(deps)).toEqual([]);
    clock.current += DAY;
    expect(await scheduleRotations(deps)).toMatchObject([{ runner: NAME, reason: 'age' }]);
    const run = (await world.stores.runs.get(queue.enqueued[0]!))!;
    expect(run).toMatchObject({ kind: 'rotate-token', status: 'queued', requester: { via: 'schedule' } });
    const audit = await readAudit(world.redis, world.prefix);
    expect(audit.find((e) => e.runId === run.id)).toMatchObject({
      detail: { via: 'schedule', awaitingApproval: false },
    });

    const vmid = world.farm.list().find((m) => m.name === NAME)!.vmid;
    const before = await vmToken(world.farm, vmid);
    const done = await runToEnd(world, run);
    expect(done.run.status).toBe('succeeded');
    expect(await gitlabTakes(world.gitlab, before)).toBe(false);
    expect(await gitlabTakes(world.gitlab, await vmToken(world.farm, vmid))).toBe(true);
    // Rotated just now: not due again for another 30 days of the fake clock.
    clock.current = Date.now() + 29 * DAY;
    expect(await scheduleRotations(deps)).toEqual([]);
  });
});
