// `scale PROFILE=N`: records how many runners the pool should hold. Growing is left to the
// reconciler; shrinking asks for the removal of the surplus (the least busy in GitLab first, then
// the oldest) as ordinary
// deprovisions, so each retirement drains its jobs and, from Slack, waits for a second person.
import { err, ok, type Result } from '../core/errors.ts';
import type { PoolStore } from '../core/pool-ports.ts';
import { memberIndex, memberName, planPool, type PoolMember } from '../core/pool.ts';
import type { Requester, RunnerRegistry } from '../core/ports.ts';
import type { RunRecord } from '../core/run.ts';
import { readPoolState } from './pool-snapshot.ts';
import type { PoolSettings } from './reconcile-pools.ts';
import { authorize, requestJob, type RequestJobDeps } from './request-job.ts';

export interface ScalePoolDeps extends RequestJobDeps {
  pools: PoolStore;
  poolSettings: Pick<PoolSettings, 'namePrefix'>;
  /** GitLab's running jobs per runner, asked only when shrinking; without it, oldest first. */
  runnerJobs?: Pick<RunnerRegistry, 'runningJobs'>;
}

/** Running jobs of a runner, or undefined when GitLab cannot say (the retirement order falls back to age). */
async function runningJobs(deps: ScalePoolDeps, runnerId: number): Promise<number | undefined> {
  try {
    return await deps.runnerJobs?.runningJobs(runnerId);
  } catch {
    return undefined;
  }
}

export interface ScalePoolInput {
  profile: string;
  count: number;
  requester: Requester;
  channel?: string;
}

export interface ScaleOutcome {
  profile: string;
  previous: number | null;
  desired: number;
  /** The deprovisions asked for (awaiting approval when asked from Slack). */
  retiring: RunRecord[];
  /** Retirements that could not be asked for, with the reason (e.g. the runner is busy). */
  refused: string[];
}

export async function scalePool(deps: ScalePoolDeps, input: ScalePoolInput): Promise<Result<ScaleOutcome>> {
  const { profile, count, requester } = input;
  const allowed = await authorize(deps, requester);
  if (!allowed.ok) return allowed;
  if (!Object.hasOwn(deps.policy.profiles, profile)) {
    return err({
      code: 'PROFILE.UNKNOWN',
      message: `there is no profile "${profile}"; the profiles are ${Object.keys(deps.policy.profiles).join(', ')}`,
    });
  }
  const previous = (await deps.pools.desires()).find((d) => d.profile === profile)?.desired ?? null;
  await deps.pools.setDesired({ profile, desired: count, setBy: requester.userId, setAt: deps.clock.now() });
  await deps.audit.append({
    type: 'request',
    runner: `pool:${profile}`,
    actor: requester.userId,
    detail: { kind: 'scale', via: requester.via, profile, desired: count, previous: previous ?? undefined },
  });

  const prefix = deps.poolSettings.namePrefix;
  const state = await readPoolState(deps, prefix, profile, Math.max(count, previous ?? 0));
  const shrinking = count < state.entries.length;
  const members: PoolMember[] = await Promise.all(
    state.entries.map(async (e) => {
      const jobs = shrinking ? await runningJobs(deps, e.runnerId) : undefined;
      return { name: e.name, provisionedAt: e.provisionedAt, ...(jobs === undefined ? {} : { runningJobs: jobs }) };
    }),
  );
  const snapshot = { desired: count, members, pending: state.pending, leaving: state.leaving };
  const { surplus } = planPool(
    snapshot,
    (i) => memberName(prefix, profile, i),
    (name) => memberIndex(prefix, profile, name),
  );
  const retiring: RunRecord[] = [];
  const refused: string[] = [];
  for (const name of surplus) {
    const command = { kind: 'deprovision' as const, name, reason: `scale ${profile}=${count}`, dryRun: false };
    const outcome = await requestJob(deps, {
      command,
      requester,
      ...(input.channel ? { channel: input.channel } : {}),
    });
    if (outcome.ok) retiring.push(outcome.value.run);
    else refused.push(`${name}: ${outcome.error.message}`);
  }
  return ok({ profile, previous, desired: count, retiring, refused });
}
