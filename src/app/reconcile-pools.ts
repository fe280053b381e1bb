// One pass of the pool reconciler: for each pool somebody sized with `scale`, compare the runners
// that exist (fleet record, Proxmox, GitLab) with the desired count and ask for the provisions and
// rebuilds that close the gap, through the same request use case a person's command takes. It
// never removes a runner (retiring needs approval, asked by `scale`), and after a failed
// provision it waits, doubling the wait each time, instead of trying again at every pass.
import { FINAL_STATUSES } from '../core/run.ts';
import type { FleetEntry, Hypervisor, RunnerRegistry, VmSummary } from '../core/ports.ts';
import type { PoolDesire, PoolProgress, PoolStore } from '../core/pool-ports.ts';
import { memberIndex, memberName, planPool, retryDelayMs, type PoolMember, type PoolPlan } from '../core/pool.ts';
import { readPoolState } from './pool-snapshot.ts';
import { requestJob, type RequestJobDeps } from './request-job.ts';

export interface PoolSettings {
  namePrefix: string;
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface ReconcilePoolsDeps extends RequestJobDeps {
  pools: PoolStore;
  hypervisor: Pick<Hypervisor, 'listVms'>;
  registry: Pick<RunnerRegistry, 'getRunner'>;
  poolSettings: PoolSettings;
  /** Where the pool's runs report (the Slack channel); none for a terminal-only install. */
  channel?: string;
}

/** Reconciles every sized pool once; the caller holds the reconciler's lease. */
export async function reconcilePools(deps: ReconcilePoolsDeps): Promise<PoolProgress[]> {
  const desires = await deps.pools.desires();
  if (desires.length === 0) return [];
  const [entries, vms] = await Promise.all([deps.fleet.list(), deps.hypervisor.listVms()]);
  const results: PoolProgress[] = [];
  for (const desire of desires) results.push(await reconcileOne(deps, desire, entries, vms));
  return results;
}

async function reconcileOne(
  deps: ReconcilePoolsDeps,
  desire: PoolDesire,
  entries: FleetEntry[],
  vms: VmSummary[],
): Promise<PoolProgress> {
  const { profile } = desire;
  const now = deps.clock.now();
  const prefix = deps.poolSettings.namePrefix;
  const indexOf = (name: string) => memberIndex(prefix, profile, name);
  const nameOf = (index: number) => memberName(prefix, profile, index);
  const {
    entries: ours,
    pending,
    leaving,
    progress: stored,
  } = await readPoolState(deps, prefix, profile, desire.desired, entries);
  const progress = await settle(deps, stored ?? { profile, requested: {}, failures: 0, note: '', reconciledAt: now });

  const busy = new Set([...pending, ...leaving]);
  const members: PoolMember[] = [];
  for (const entry of ours) {
    members.push({
      name: entry.name,
      provisionedAt: entry.provisionedAt,
      ...(busy.has(entry.name) ? {} : await lostPart(deps, entry, vms)),
    });
  }
  const plan = planPool({ desired: desire.desired, members, pending, leaving }, nameOf, indexOf);

  if (
    (plan.provision.length > 0 || plan.repair.length > 0) &&
    progress.retryAt !== undefined &&
    progress.retryAt > now
  ) {
    const seconds = Math.ceil((progress.retryAt - now) / 1000);
    const why = progress.lastError
      ? `${progress.lastError.runner} failed (${progress.lastError.code}: ${progress.lastError.message})`
      : 'the last provision failed';
    return save(deps, { ...progress, note: `waiting ${seconds}s before trying again: ${why}`, reconciledAt: now });
  }
  const asked = await ask(deps, profile, plan, progress);
  return save(deps, {
    ...asked,
    note: describe(desire.desired, members.length - plan.surplus.length + pending.length, plan, asked),
    reconciledAt: now,
  });
}

/** Forgets requested runs that ended, counting failures in a row for the backoff. */
async function settle(deps: ReconcilePoolsDeps, progress: PoolProgress): Promise<PoolProgress> {
  const requested = { ...progress.requested };
  let { failures, retryAt, lastError } = progress;
  for (const [runner, runId] of Object.entries(progress.requested)) {
    const run = await deps.runs.get(runId);
    if (run && !FINAL_STATUSES.includes(run.status)) continue;
    delete requested[runner];
    if (run?.status === 'succeeded') {
      failures = 0;
      retryAt = undefined;
      lastError = undefined;
    } else if (run) {
      failures += 1;
      retryAt = deps.clock.now() + retryDelayMs(failures, deps.poolSettings.retryBaseMs, deps.poolSettings.retryMaxMs);
      lastError = {
        runner,
        code: run.error?.code ?? run.status,
        message: run.error?.message ?? `the run ended ${run.status}`,
        ...(run.error?.step ? { step: run.error.step } : {}),
      };
    }
  }
  return {
    ...progress,
    requested,
    failures,
    ...(retryAt !== undefined ? { retryAt } : { retryAt: undefined }),
    lastError,
  };
}

/** 'vm' or 'runner' when that part of a member is gone; a service that does not answer proves nothing. */
async function lostPart(
  deps: ReconcilePoolsDeps,
  entry: FleetEntry,
  vms: VmSummary[],
): Promise<Pick<PoolMember, 'lost'>> {
  if (!vms.some((vm) => vm.vmid === entry.vmid && vm.name === entry.name)) return { lost: 'vm' };
  const runner = await deps.registry.getRunner(entry.runnerId).catch(() => undefined);
  return runner === null ? { lost: 'runner' } : {};
}

async function ask(
  deps: ReconcilePoolsDeps,
  profile: string,
  plan: PoolPlan,
  progress: PoolProgress,
): Promise<PoolProgress> {
  const requested = { ...progress.requested };
  let { failures, lastError, retryAt } = progress;
  const wants = [
    ...plan.provision.map((name) => ({ kind: 'provision' as const, name, profile, dryRun: false })),
    ...plan.repair.map((name) => ({
      kind: 'reprovision' as const,
      name,
      profile,
      reason: 'pool repair: its VM or GitLab runner is gone',
      dryRun: false,
    })),
  ];
  for (const command of wants) {
    const outcome = await requestJob(deps, {
      command,
      requester: { userId: `pool:${profile}`, via: 'pool' },
      ...(deps.channel ? { channel: deps.channel } : {}),
    });
    if (outcome.ok) requested[command.name] = outcome.value.run.id;
    else if (outcome.error.code !== 'RUNNER.BUSY') {
      failures += 1;
      retryAt = deps.clock.now() + retryDelayMs(failures, deps.poolSettings.retryBaseMs, deps.poolSettings.retryMaxMs);
      lastError = { runner: command.name, code: outcome.error.code, message: outcome.error.message };
      break;
    }
  }
  return { ...progress, requested, failures, retryAt, lastError };
}

function describe(desired: number, counted: number, plan: PoolPlan, progress: PoolProgress): string {
  const under = Object.keys(progress.requested);
  const parts: string[] = [];
  if (plan.provision.length > 0) parts.push(`asked for ${plan.provision.join(', ')}`);
  if (plan.repair.length > 0) parts.push(`rebuilding ${plan.repair.join(', ')} (its VM or GitLab runner is gone)`);
  if (parts.length === 0 && under.length > 0) parts.push(`waiting for ${under.join(', ')}`);
  if (plan.surplus.length > 0)
    parts.push(
      `${plan.surplus.length} above the desired ${desired} (${plan.surplus.join(', ')}): retire with \`scale\` again or \`deprovision\``,
    );
  return parts.length > 0 ? parts.join('; ') : `${counted} of ${desired} in place`;
}

async function save(deps: ReconcilePoolsDeps, progress: PoolProgress): Promise<PoolProgress> {
  await deps.pools.saveProgress(progress);
  return progress;
}
