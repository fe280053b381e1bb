// Redis without a single point of failure: 10 provisions from Slack and an alert storm through a
// real `runnerbot all`, while the Redis primary holding runnerbot's keys is SIGKILLed mid-way
// (and restarted a few seconds later, as a service manager would). Against Sentinel (a primary, a
// replica, three sentinels) and against a three-primary Redis Cluster. `npm run test:ha`.
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../sandbox/free-port.ts';
import { RUN_QUEUE_NAME } from '../../src/jobs/redis-keys.ts';
import { fleetProblems, fleetView } from '../e2e/support/fleet-check.ts';
import { eventually } from '../support/eventually.ts';
import {
  ALERTS_CHANNEL,
  alertGroup,
  postUntilAccepted,
  provisionUntilStarted,
  startWriteProbe,
} from './support/drive.ts';
import { startHaService, type HaService } from './support/ha-service.ts';
import { startClusterTopology, startSentinelTopology, type Topology } from './support/topologies.ts';

const RUNNERS = Array.from({ length: 10 }, (_, i) => `gitlab-runner-ha${String(i + 1).padStart(2, '0')}`);
const GROUPS = Array.from({ length: 60 }, (_, i) => alertGroup(i + 1));
const RESTART_AFTER_MS = 3_000;

let topology: Topology | undefined;
let service: HaService | undefined;
afterEach(async () => {
  await service?.close();
  await topology?.stop();
  service = topology = undefined;
});

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe.each([
  ['Sentinel: a primary, a replica, three sentinels', startSentinelTopology],
  ['Redis Cluster: three primaries, one replica each', startClusterTopology],
])('%s', (_title, startTopology) => {
  it('loses no run and no alert group when the primary is SIGKILLed mid-way', async () => {
    topology = await startTopology();
    const s = (service = await startHaService(topology));
    const probe = startWriteProbe(s);
    const primaryBefore = await topology.primaryOf(`${s.prefix}:run`);

    const provisions = RUNNERS.map((name, i) => sleep(i * 150).then(() => provisionUntilStarted(s, name)));
    await eventually(
      async () => (await s.runs.recent(50)).filter((r) => r.status === 'running').length >= 2,
      120_000,
      'two runs under way',
    );
    let accepted = 0;
    const storm = GROUPS.map((group, i) =>
      sleep(i * 60)
        .then(() => postUntilAccepted(s, group.payload))
        .then((r) => (accepted++, r)),
    );
    // Mid-way: runs are in their steps, a third of the storm is accepted, the rest on its way.
    await eventually(() => accepted >= GROUPS.length / 3, 60_000, 'a third of the storm accepted');
    const killed = await topology.killPrimaryOf(`${s.prefix}:run`);
    const killedAt = Date.now();
    const restarted = sleep(RESTART_AFTER_MS).then(() => topology!.restartKilled());

    const commandRetries = (await Promise.all(provisions)).map((r) => r.retries);
    const accepted202 = await Promise.all(storm);
    const alertRetries = accepted202.map((r) => r.retries);
    // The first notification accepted after being refused during the failover.
    const acksResumedAt = Math.min(
      ...accepted202.filter((r) => r.retries > 0 && r.acceptedAt >= killedAt).map((r) => r.acceptedAt),
    );
    await restarted;
    const finished = await eventually(
      async () => {
        const runs = await Promise.all(
          RUNNERS.map(async (name) => (await s.runs.recent(50, name)).find((r) => r.status === 'succeeded')),
        );
        return runs.every(Boolean) ? runs : undefined;
      },
      300_000,
      'every runner provisioned',
    );
    const messagesOf = (alertname: string) =>
      s.sims.slack
        .channel(ALERTS_CHANNEL)
        .messages()
        .filter((m) => `${m.text}${JSON.stringify(m.blocks ?? [])}`.includes(alertname));
    await eventually(
      () => GROUPS.every((g) => messagesOf(g.alertname).length > 0),
      120_000,
      'a message for every alert group',
    );
    const { longestGapMs } = await probe.stop();
    const primaryAfter = await topology.primaryOf(`${s.prefix}:run`);

    // Every run finished exactly once.
    const ends = await s.jobEnds();
    for (const run of finished) expect(ends[run!.id], `job-end entries of ${run!.runner}`).toBe(1);
    for (const name of RUNNERS)
      expect(
        (await s.runs.recent(50, name)).filter((r) => r.status === 'succeeded'),
        name,
      ).toHaveLength(1);
    // 10 VMs, 10 runners, no orphans.
    const fleet = fleetView(s.sims);
    expect(fleet.vms.map((vm) => vm.config.name).sort()).toEqual(RUNNERS);
    expect(fleet.runners.map((r) => r.description).sort()).toEqual(RUNNERS);
    expect(fleetProblems(s.sims)).toEqual([]);
    // Every alert group delivered once: one message each, however often Alertmanager re-sent it.
    await sleep(1_000);
    for (const group of GROUPS) expect(messagesOf(group.alertname), group.alertname).toHaveLength(1);
    expect(primaryAfter).not.toBe(primaryBefore);
    expect(killed).toBe(primaryBefore);
    // /healthz names the new primary, and its replica (the old primary, back) in sync.
    const health = await eventually(
      async () => {
        const body = (await (await fetch(`${s.runnerbot.url}/healthz`)).json()) as {
          redis?: { primary: string; replicasInSync: number };
        };
        return body.redis?.primary === primaryAfter && body.redis.replicasInSync >= 1 ? body.redis : undefined;
      },
      60_000,
      '/healthz to name the new primary with a replica in sync',
    );
    expect(health).toMatchObject({ mode: topology.name, role: 'master' });

    const queue = new Queue(RUN_QUEUE_NAME, { connection: s.redis, prefix: s.prefix, skipVersionCheck: true });
    const jobs = await queue.getJobs(['completed']);
    const jobRetries = sum(jobs.map((job) => Math.max(0, job.attemptsMade - 1)));
    await queue.close();
    console.log(
      `[failover cost, ${topology.name}] primary ${primaryBefore} SIGKILLed at +0 s (restarted at +${RESTART_AFTER_MS / 1000} s); ` +
        `new primary ${primaryAfter}; writes unavailable for ${(longestGapMs / 1000).toFixed(1)} s; ` +
        `replicated acknowledgements (WAIT 1) resumed after ${((acksResumedAt - killedAt) / 1000).toFixed(1)} s; ` +
        `retries: ${sum(commandRetries)} Slack command(s) re-issued, ${sum(alertRetries)} Alertmanager re-send(s), ${jobRetries} job re-attempt(s); ` +
        `all done ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
    );
  });
});
