// The world of the jobs end-to-end tests: the simulators, real Redis under a fresh prefix, a
// runnerbot.yaml pointing at them (short job locks, so a crashed worker's job moves on within
// seconds), real `runnerbot worker` processes, and the request use cases called as a bot replica
// would call them (the CLI's own provision runs in-process and bypasses the queue).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { writeRunnerbotConfig } from '../../../sandbox/runnerbot-config.ts';
import { GROUPS } from '../../../sandbox/people.ts';
import { decideApprovalForRun } from '../../../src/app/decide-approval.ts';
import { requestJob } from '../../../src/app/request-job.ts';
import { scalePool } from '../../../src/app/scale-pool.ts';
import { createGitlabRegistry } from '../../../src/provisioner/gitlab.ts';
import type { ChangeCommand } from '../../../src/app/resolve-request.ts';
import { loadOrRefuse } from '../../../src/composition/load.ts';
import { toRequestPolicy } from '../../../src/composition/request-policy.ts';
import { buildStores, type Stores } from '../../../src/composition/stores.ts';
import type { LoadedConfig } from '../../../src/config.ts';
import type { RunRecord } from '../../../src/core/run.ts';
import { systemClock, systemIds } from '../../../src/system.ts';
import { staticDirectory } from '../../support/memory-ports.ts';
import { deletePrefix } from '../../integration/jobs/harness/test-redis.ts';
import { startJobsSimulators, type JobsSimulators } from './jobs-sims.ts';
import { startWorkerProcess, type WorkerProcess } from './runnerbot-worker.ts';

export const OPERATOR = 'U0OLIVIA01';
export const APPROVER = 'U0ARJUN001';
const directory = staticDirectory({
  [OPERATOR]: [GROUPS.operators.id],
  [APPROVER]: [GROUPS.operators.id, GROUPS.approvers.id],
});
const silent = { notify: async () => undefined };
const REDIS_URL = process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a test may set in runnerbot.yaml's `worker` section. */
export interface WorkerSettings {
  concurrency?: number;
  attempts?: number;
  drainSeconds?: number;
  jobLockSeconds?: number;
  stalledIntervalSeconds?: number;
  strandedAfterSeconds?: number;
}

/** One bot replica's view: its own Redis connection and stores. */
export interface Replica {
  request(kind: ChangeCommand['kind'], runner: string, userId?: string): ReturnType<typeof requestJob>;
  approve(runId: string, userId: string): ReturnType<typeof decideApprovalForRun>;
  /** `/runner scale PROFILE=N` as a Slack user asks it. */
  scale(profile: string, count: number, userId?: string): ReturnType<typeof scalePool>;
  close(): Promise<void>;
}

export interface JobsWorld extends Replica {
  sims: JobsSimulators;
  prefix: string;
  redis: Redis;
  loaded: LoadedConfig;
  /** The stores as every runnerbot process builds them, on the test's connection. */
  stores: Stores;
  /** runnerbot's environment: RUNNERBOT_CONFIG and the secret files. */
  env: Record<string, string>;
  replica(): Replica;
  startWorker(name: string): Promise<WorkerProcess>;
  /** The worker processes started here that still run. */
  liveWorkers(): WorkerProcess[];
  /** Every worker process started here, running or not. */
  startedWorkers(): readonly WorkerProcess[];
  run(runId: string): Promise<RunRecord>;
  /** Polls the run record until `ready` holds. */
  waitForRun(
    runId: string,
    ready: (run: RunRecord) => boolean | Promise<boolean>,
    what: string,
    timeoutMs?: number,
  ): Promise<RunRecord>;
  /** SIGKILLs every worker still running. */
  killWorkers(): Promise<void>;
}

/** Merges each section of `patch` into the written runnerbot.yaml. */
async function tuneConfig(file: string, patch: Record<string, Record<string, unknown>>): Promise<void> {
  const config = parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(patch)) config[section] = { ...config[section], ...values };
  await writeFile(file, stringify(config));
}

/** GitLab as a bot replica reads it (running jobs per runner, for `scale`). */
const gitlabOf = (loaded: LoadedConfig) =>
  createGitlabRegistry({
    url: loaded.config.gitlab.url,
    token: loaded.secrets.gitlabToken ?? '',
    runnerType: loaded.config.gitlab.runnerType,
  });

const commandFor = (kind: ChangeCommand['kind'], name: string): ChangeCommand =>
  kind === 'provision' ? { kind, name, dryRun: false } : { kind, name, reason: 'e2e', dryRun: false };

function replicaOn(redis: Redis, loaded: LoadedConfig, ownsRedis: boolean): Replica & { stores: Stores } {
  const stores = buildStores(redis, loaded);
  const policy = toRequestPolicy(loaded.config);
  const deps = { ...stores, notifier: silent, directory, clock: systemClock, ids: systemIds, policy };
  return {
    stores,
    request: (kind, runner, userId = OPERATOR) =>
      requestJob(deps, { command: commandFor(kind, runner), requester: { userId, via: 'slack' } }),
    approve: (runId, userId) =>
      decideApprovalForRun(
        { ...deps, approvers: loaded.config.slack.approvers },
        { runId, userId, decision: 'approve' },
      ),
    scale: (profile, count, userId = OPERATOR) =>
      scalePool(
        { ...deps, poolSettings: loaded.config.pools, runnerJobs: gitlabOf(loaded) },
        { profile, count, requester: { userId, via: 'slack' } },
      ),
    async close() {
      await stores.queue.close();
      if (ownsRedis) redis.disconnect();
    },
  };
}

export interface JobsWorldOptions {
  /** Fake VMs with real sshd (default); without, VMs get a made-up address and SSH steps cannot run. */
  vmFarm?: boolean;
  worker?: WorkerSettings;
  vmidRange?: { min: number; max: number };
  pools?: { reconcileSeconds?: number; retryBaseSeconds?: number };
}

export async function startJobsWorld(options: JobsWorldOptions = {}): Promise<JobsWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'rbt-e2e-jobs-'));
  const sims = await startJobsSimulators({ vmFarm: options.vmFarm ?? true });
  const prefix = `rbt-jobs-${randomBytes(5).toString('hex')}`;
  const written = await writeRunnerbotConfig({
    dir,
    sims,
    redis: { url: REDIS_URL, prefix },
    httpPort: 0,
    alertsToken: randomBytes(8).toString('hex'),
  });
  await tuneConfig(written.file, {
    worker: { drainSeconds: 10, jobLockSeconds: 3, stalledIntervalSeconds: 1, ...options.worker },
    ...(options.vmidRange ? { proxmox: { vmidRange: options.vmidRange } } : {}),
    ...(options.pools ? { pools: options.pools } : {}),
  });
  const loaded = loadOrRefuse(written.env, { role: 'worker' });
  const redis = new Redis(REDIS_URL);
  const main = replicaOn(redis, loaded, false);
  const replicas: Replica[] = [main];
  const workers: WorkerProcess[] = [];

  const run = async (runId: string) => {
    const found = await main.stores.runs.get(runId);
    if (!found) throw new Error(`no run ${runId}`);
    return found;
  };
  const killWorkers = async () => {
    for (const worker of workers) {
      if (worker.running()) worker.kill('SIGKILL');
      await worker.exited;
    }
  };

  return {
    ...main,
    sims,
    prefix,
    redis,
    loaded,
    env: written.env,
    replica() {
      const replica = replicaOn(new Redis(REDIS_URL), loaded, true);
      replicas.push(replica);
      return replica;
    },
    async startWorker(name) {
      const worker = await startWorkerProcess(name, written.env);
      workers.push(worker);
      return worker;
    },
    liveWorkers: () => workers.filter((worker) => worker.running()),
    startedWorkers: () => workers,
    run,
    async waitForRun(runId, ready, what, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await run(runId);
        if (await ready(current)) return current;
        if (Date.now() > deadline)
          throw new Error(
            `run ${runId} never got ${what}; it is ${current.status} at step ${current.checkpoint} (${current.plan[current.checkpoint]}), error ${JSON.stringify(current.error)}`,
          );
        await systemClock.sleep(25);
      }
    },
    killWorkers,
    async close() {
      await killWorkers();
      await Promise.all(replicas.map((r) => r.close()));
      await sims.stop();
      await deletePrefix(redis, prefix);
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A run's position: the index of the named step in its plan (the checkpoint while it runs). */
export const stepIndex = (run: RunRecord, step: string): number => run.plan.indexOf(step as RunRecord['plan'][number]);
