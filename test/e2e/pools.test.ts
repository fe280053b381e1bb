// Issue 19: pools. `scale PROFILE=N` records a desired count; real `runnerbot worker` processes
// reconcile it against the Proxmox and GitLab simulators (fake VMs with real sshd), and the test
// counts what exists there, as an operator would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitlabRegistry } from '../../src/provisioner/gitlab.ts';
import { createProxmoxHypervisor } from '../../src/provisioner/proxmox.ts';
import { FINAL_STATUSES } from '../../src/core/run.ts';
import { fleetProblems, fleetView } from './support/fleet-check.ts';
import { APPROVER, startJobsWorld, type JobsWorld } from './support/jobs-world.ts';
import { runnerbotCli } from './support/runnerbot-cli.ts';

let world: JobsWorld;
beforeAll(async () => {
  world = await startJobsWorld({ pools: { reconcileSeconds: 1, retryBaseSeconds: 1 } });
  await world.startWorker('pool-a');
}, 120_000);
afterAll(() => world?.close(), 60_000);

const ofPool = (profile: string) => (name: string | undefined) =>
  new RegExp(`^gitlab-runner-${profile}-\\d{2}$`).test(name ?? '');
/** The pool's VMs and GitLab runners as Proxmox and GitLab have them, and whether each runner has checked in. */
function pool(profile: string) {
  const { vms, runners } = fleetView(world.sims);
  const named = ofPool(profile);
  return {
    vms: vms
      .filter((vm) => named(vm.config.name))
      .map((vm) => String(vm.config.name))
      .sort(),
    runners: runners
      .filter((r) => named(r.description))
      .map((r) => r.description)
      .sort(),
    contacted: runners
      .filter((r) => named(r.description) && r.contactedAt !== null)
      .map((r) => r.description)
      .sort(),
  };
}

async function until<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 150_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`never ${what}; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Proxmox and GitLab hold exactly `names`, each runner has checked in, and `runnerbot pools` shows no run under way. */
async function settledAt(profile: string, names: string[]) {
  await until(
    `${names.length} ${profile} runners`,
    () => pool(profile),
    (p) => JSON.stringify(p) === JSON.stringify({ vms: names, runners: names, contacted: names }),
  );
  const line = new RegExp(`^${profile}: ${names.length} of \\d+ in place$`, 'm');
  await until(
    `${profile} shown settled by runnerbot pools`,
    async () => (await runnerbotCli(['pools'], world.env)).stdout,
    (out) => line.test(out),
  );
}

describe('a pool kept at its size by the workers', () => {
  it('grows from 1 to 3, rebuilds runners whose VM or GitLab runner was deleted by hand, and shrinks to 1 after approval', async () => {
    const one = await runnerbotCli(['scale', 'build=1'], world.env);
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout).toContain('pool build: unset -> 1');
    await settledAt('build', ['gitlab-runner-build-01']);

    const three = await runnerbotCli(['scale', 'build=3'], world.env);
    expect(three.stdout).toContain('pool build: 1 -> 3');
    const all = ['gitlab-runner-build-01', 'gitlab-runner-build-02', 'gitlab-runner-build-03'];
    await settledAt('build', all);
    const status = await runnerbotCli(['pools'], world.env);
    expect(status.stdout).toMatch(/^build: 3 of 3 in place$/m);

    // Somebody deletes gitlab-runner-build-02's VM in Proxmox, behind runnerbot's back.
    const lost = fleetView(world.sims).vms.find((vm) => vm.config.name === 'gitlab-runner-build-02')!;
    const px = world.sims.proxmox;
    const admin = createProxmoxHypervisor({
      url: px.url,
      tokenId: px.token.id,
      tokenSecret: px.token.secret,
      ca: px.caPem,
    });
    await admin.waitTask(await admin.stopVm(lost.node, lost.vmid), 10_000);
    const deleted = await admin.deleteVm(lost.node, lost.vmid);
    if (deleted) await admin.waitTask(deleted, 10_000);
    await until(
      'the lost VM rebuilt',
      () => fleetView(world.sims).vms.find((vm) => vm.config.name === 'gitlab-runner-build-02')?.vmid,
      (vmid) => vmid !== undefined && vmid !== lost.vmid,
    );
    await settledAt('build', all);
    expect(fleetProblems(world.sims)).toEqual([]);

    // …and somebody deletes gitlab-runner-build-03's runner in GitLab.
    const gone = world.sims.gitlab.runners().find((r) => r.description === 'gitlab-runner-build-03')!;
    await createGitlabRegistry({
      url: world.sims.gitlab.url,
      token: world.sims.gitlab.token,
      runnerType: 'instance_type',
    }).deleteRunner(gone.id);
    await until(
      'the deleted runner replaced',
      () => world.sims.gitlab.runners().find((r) => r.description === 'gitlab-runner-build-03')?.id,
      (id) => id !== undefined && id !== gone.id,
    );
    await settledAt('build', all);
    expect(fleetProblems(world.sims)).toEqual([]);

    // Shrinking asks a second person: nothing goes before the approval. The least busy go first:
    // the oldest member is running a job in GitLab, so it stays and the two idle ones go.
    const oldest = (await world.stores.fleet.list())
      .filter((e) => ofPool('build')(e.name))
      .sort((a, b) => a.provisionedAt - b.provisionedAt)[0]!;
    const job = world.sims.gitlab.addJob(oldest.runnerId, { name: 'a long build' });
    const shrink = await world.scale('build', 1);
    if (!shrink.ok) throw new Error(shrink.error.message);
    expect(shrink.value.refused).toEqual([]);
    const survivor = [oldest.name];
    expect(shrink.value.retiring.map((run) => [run.runner, run.status])).toEqual(
      all.filter((n) => n !== oldest.name).map((n) => [n, 'awaiting_approval']),
    );
    world.sims.gitlab.finishJob(oldest.runnerId, job.id);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a few reconciler periods
    expect(pool('build').vms).toEqual(all);
    for (const run of shrink.value.retiring) expect((await world.approve(run.id, APPROVER)).ok).toBe(true);
    for (const run of shrink.value.retiring) {
      expect(
        await world.waitForRun(run.id, (r) => FINAL_STATUSES.includes(r.status), 'to an end', 120_000),
      ).toMatchObject({ status: 'succeeded' });
    }
    await settledAt('build', survivor);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(pool('build').vms).toEqual(survivor);
    expect((await runnerbotCli(['pools'], world.env)).stdout).toMatch(/^build: 1 of 1 in place$/m);
    expect(fleetProblems(world.sims)).toEqual([]);
  });

  it('reaches its size when every worker is SIGKILLed in the middle of reconciling', async () => {
    expect((await runnerbotCli(['scale', 'default=2'], world.env)).code).toBe(0);
    await until(
      'the reconciler to ask for a runner',
      () => world.stores.pools.progress('default'),
      (p) => Object.keys(p?.requested ?? {}).length > 0,
      30_000,
    );
    await world.killWorkers();
    await world.startWorker('pool-b');
    await settledAt('default', ['gitlab-runner-default-01', 'gitlab-runner-default-02']);
    expect(fleetProblems(world.sims)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(pool('default').vms).toHaveLength(2);
  });

  it('asks before a terminal shrink, and refuses without --yes when there is no terminal to ask on', async () => {
    await world.stores.fleet.upsert({
      name: 'gitlab-runner-build-50',
      vmid: 1,
      node: 'pve1',
      ip: '127.0.0.9',
      profile: 'build',
      runnerId: 0,
      tags: [],
      provisionedAt: 1,
    });
    try {
      const before = await world.stores.pools.desires();
      const result = await runnerbotCli(['scale', 'build=0'], world.env);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /refusing to shrink to 0 the pool build without confirmation: stdin is not a terminal\. Pass --yes/,
      );
      expect(await world.stores.pools.desires()).toEqual(before);
    } finally {
      await world.stores.fleet.remove('gitlab-runner-build-50');
    }
  });

  it('refuses a profile that does not exist and changes nothing', async () => {
    const result = await runnerbotCli(['scale', 'nosuch=2'], world.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PROFILE\.UNKNOWN: there is no profile "nosuch"; the profiles are default, build/);
    expect((await world.stores.pools.desires()).map((d) => d.profile)).not.toContain('nosuch');
  });
});
