// `npm run chaos -- --runs N --kills K`: crash-proofing measured end to end (issue 12). N
// provisions are asked for by a bot process that is itself SIGKILLed during the burst (and
// restarted for what it had not asked yet); two real `runnerbot worker` processes are SIGKILLed
// at random moments and restarted at once, K times in all, against a Proxmox simulator that
// answers slowly; then half of the runners are rebuilt (replace then retire: a successor, then
// the old one removed, then the rename) and every runner is deprovisioned, under the same chaos.
// Prints one JSON line and exits non-zero unless every provision and every rebuild left exactly
// one VM and one runner per name (a new one for each rebuild, no successor left over), every
// deprovision left none, nothing was orphaned, lost or duplicated, and all K kills happened.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { FINAL_STATUSES, type RunRecord } from '../../src/core/run.ts';
import { isSuccessorName } from '../../src/core/successor.ts';
import { fleetView } from '../e2e/support/fleet-check.ts';
import { APPROVER, startJobsWorld, type JobsWorld } from '../e2e/support/jobs-world.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    kills: { type: 'string', default: '15' },
    'latency-ms': { type: 'string', default: '40' },
    'timeout-s': { type: 'string', default: '900' },
  },
});
const RUNS = Number(values.runs);
const KILLS = Number(values.kills);
const REQUEST_PROCESS = new URL('../e2e/support/request-process.ts', import.meta.url).pathname;
const names = Array.from({ length: RUNS }, (_, i) => `gitlab-runner-chaos-${String(i + 1).padStart(3, '0')}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);
const progress = (text: string) => process.stderr.write(`chaos: ${text}\n`);
process.setMaxListeners(200); // each worker process started registers an exit hook

let kills = 0;
let botKills = 0;

const restarts: Promise<unknown>[] = [];

/** Two workers, each SIGKILLed at random moments and restarted at once, until `done` or `budget` kills; resolves with the kills. */
async function killWorkers(world: JobsWorld, budget: number, done: () => boolean): Promise<number> {
  let spent = 0;
  while (!done() && spent < budget) {
    await sleep(between(500, 1_500));
    const live = world.liveWorkers();
    const victim = live[Math.floor(Math.random() * live.length)];
    if (done() || !victim) continue;
    victim.kill('SIGKILL');
    await victim.exited;
    spent++;
    kills++;
    restarts.push(world.startWorker(`w${kills}`)); // not awaited: the next kill may come while it starts
  }
  return spent;
}

/** Asks for every provision from a bot process killed mid-burst, restarted for the names it had not asked yet. */
async function burstOfProvisions(world: JobsWorld): Promise<Map<string, string>> {
  const asked = new Map<string, string>();
  for (let round = 0; asked.size < names.length; round++) {
    const pending = names.filter((name) => !asked.has(name));
    const child = spawn(process.execPath, ['--import', 'tsx', REQUEST_PROCESS, ...pending], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/',
        ...world.env,
        RUNNERBOT_TEST_POST: 'instant',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = once(child, 'exit');
    if (round < 3) {
      await Promise.race([sleep(between(400, 1_500)), exited]);
      if (child.kill('SIGKILL')) botKills++;
    }
    await exited;
    for (const name of pending) {
      const run = (await world.stores.runs.recent(1, name))[0];
      if (run?.kind === 'provision') asked.set(name, run.id);
    }
  }
  return asked;
}

async function untilFinal(world: JobsWorld, runIds: string[], deadline: number): Promise<RunRecord[]> {
  for (;;) {
    const runs = await Promise.all(runIds.map((id) => world.run(id)));
    if (runs.every((run) => FINAL_STATUSES.includes(run.status)) || Date.now() > deadline) return runs;
    await sleep(500);
  }
}

/** The VM farm stops a destroyed VM's sshd after Proxmox's delete task ended: give it a moment. */
async function farmSettled(world: JobsWorld): Promise<void> {
  const strays = () => (world.sims.farm?.list() ?? []).filter((m) => !world.sims.proxmox.state.vms.has(m.vmid));
  for (let tries = 0; strays().length > 0 && tries < 50; tries++) await sleep(200);
  for (const m of strays()) progress(`machine ${m.vmid} (${m.name}) runs without a Proxmox VM`);
}

/** Asks for and approves one change per name; the run ids of those asked. */
async function approvedChanges(world: JobsWorld, kind: 'reprovision' | 'deprovision', of: string[]) {
  const runIds: string[] = [];
  for (const name of of) {
    const requested = await world.request(kind, name);
    if (!requested.ok) {
      progress(`${kind} of ${name} refused: ${requested.error.code} ${requested.error.message}`);
      continue;
    }
    const approved = await world.approve(requested.value.run.id, APPROVER);
    if (!approved.ok) progress(`approval of ${name} refused: ${approved.error.code}`);
    runIds.push(requested.value.run.id);
  }
  return runIds;
}

const notSucceeded = (runs: RunRecord[]) => runs.filter((run) => run.status !== 'succeeded');
const describeRuns = (runs: RunRecord[]) =>
  runs.map((r) => `${r.runner} ${r.status} ${r.error?.step ?? ''} ${r.error?.code ?? ''}`).join(', ') || 'none';

/** The GitLab runner id of each name, to tell a rebuilt runner from the one it replaced. */
const runnerIds = (world: JobsWorld) =>
  new Map(fleetView(world.sims).runners.map((r) => [r.description, r.id] as const));

function count(world: JobsWorld) {
  const { vms, runners } = fleetView(world.sims);
  // A rebuild's successor (NAME.next) left behind is an orphan: the rebuild ended with two.
  const successors = [...vms.map((vm) => vm.config.name ?? ''), ...runners.map((r) => r.description)].filter(
    isSuccessorName,
  ).length;
  const ours = (name: string | undefined): name is string => name !== undefined && names.includes(name);
  const vmNames = vms.map((vm) => vm.config.name).filter(ours);
  const runnerNames = runners.map((r) => r.description).filter(ours);
  const extra = (list: (string | undefined)[]) => list.length - new Set(list).size;
  const orphanVms = vmNames.filter((name) => !runnerNames.includes(name)).length;
  const orphanRunners = runnerNames.filter((name) => !vmNames.includes(name)).length;
  const machines = (world.sims.farm?.list() ?? []).filter((m) => !world.sims.proxmox.state.vms.has(m.vmid)).length;
  return {
    vms: new Set(vmNames).size,
    runners: new Set(runnerNames).size,
    duplicates: extra(vmNames) + extra(runnerNames),
    orphans: orphanVms + orphanRunners + machines + successors,
  };
}

async function main(): Promise<number> {
  const deadline = Date.now() + Number(values['timeout-s']) * 1000;
  const world = await startJobsWorld({
    worker: { concurrency: 4, strandedAfterSeconds: 2 },
    vmidRange: { min: 5000, max: 5000 + RUNS * 3 },
  });
  try {
    world.sims.proxmox.faults.set('', { latencyMs: Number(values['latency-ms']) });
    await Promise.all([world.startWorker('a'), world.startWorker('b')]);

    progress(`asking for ${RUNS} provisions`);
    let provisioned = false;
    const provisionKills = killWorkers(world, Math.ceil(KILLS * 0.4), () => provisioned);
    const asked = await burstOfProvisions(world);
    const provisions = await untilFinal(world, [...asked.values()], deadline);
    provisioned = true;
    await provisionKills;
    await farmSettled(world);
    const afterProvision = count(world);
    const failedProvisions = provisions.filter((run) => run.status !== 'succeeded');
    progress(
      `provisioned: ${JSON.stringify(afterProvision)}; not succeeded: ${failedProvisions.map((r) => `${r.runner} ${r.status} ${r.error?.code ?? ''}`).join(', ') || 'none'}`,
    );

    const rebuilt = names.filter((_, i) => i % 2 === 0);
    progress(`rebuilding ${rebuilt.length}`);
    const before = runnerIds(world);
    let rebuildsDone = false;
    const rebuildKills = killWorkers(world, Math.ceil(KILLS * 0.3), () => rebuildsDone);
    const rebuildIds = await approvedChanges(world, 'reprovision', rebuilt);
    const rebuilds = await untilFinal(world, rebuildIds, deadline);
    rebuildsDone = true;
    const killedDuringRebuilds = await rebuildKills;
    await farmSettled(world);
    const afterRebuild = count(world);
    const after = runnerIds(world);
    const unchanged = rebuilt.filter((name) => after.get(name) === before.get(name)).length;
    const failedRebuilds = notSucceeded(rebuilds);
    progress(`rebuilt: ${JSON.stringify(afterRebuild)}; not succeeded: ${describeRuns(failedRebuilds)}`);

    progress('deprovisioning all');
    let deprovisioned = false;
    const deprovisionKills = killWorkers(world, KILLS - kills, () => deprovisioned);
    const removals = await approvedChanges(world, 'deprovision', names);
    const deprovisions = await untilFinal(world, removals, deadline);
    deprovisioned = true;
    await deprovisionKills;
    await farmSettled(world);
    const left = count(world);
    const failedRemovals = deprovisions.filter((run) => run.status !== 'succeeded');
    if (failedRemovals.length > 0)
      progress(
        `deprovisions not succeeded: ${failedRemovals.map((r) => `${r.runner} ${r.status} ${r.error?.code ?? ''}`).join(', ')}`,
      );

    const result = {
      runs: RUNS,
      kills,
      vms: afterProvision.vms,
      runners: afterProvision.runners,
      rebuilds: rebuilt.length,
      afterRebuild: { vms: afterRebuild.vms, runners: afterRebuild.runners, unchanged, kills: killedDuringRebuilds },
      orphans: afterProvision.orphans + afterRebuild.orphans + left.vms + left.runners + left.orphans,
      lost:
        failedProvisions.length +
        failedRebuilds.length +
        failedRemovals.length +
        (names.length - removals.length) +
        (rebuilt.length - rebuildIds.length),
      duplicates: afterProvision.duplicates + afterRebuild.duplicates + left.duplicates,
      botKills,
      leftAfterDeprovision: { vms: left.vms, runners: left.runners },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (kills < KILLS) progress(`only ${kills} of ${KILLS} kills happened before the runs ended`);
    const whole =
      kills >= KILLS &&
      result.vms === RUNS &&
      result.runners === RUNS &&
      afterRebuild.vms === RUNS &&
      afterRebuild.runners === RUNS &&
      unchanged === 0 &&
      left.vms === 0 &&
      left.runners === 0;
    return whole && result.orphans === 0 && result.lost === 0 && result.duplicates === 0 ? 0 : 1;
  } finally {
    await Promise.allSettled(restarts);
    await world.close();
  }
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`chaos: ${error instanceof Error ? error.stack : String(error)}\n`);
  return 2;
});
