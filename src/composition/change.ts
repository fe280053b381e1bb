// `runnerbot provision|deprovision|reprovision|rotate-token NAME …`: the same use cases as Slack,
// run in this process (break-glass use, automation, a first look). Interrupted with
// Ctrl-C, the current step finishes and the run is handed to the workers' queue.
import { hostname, userInfo } from 'node:os';
import type { Redis } from 'ioredis';
import { requestJob, type RequestJobDeps } from '../app/request-job.ts';
import { resolveRequest, type ChangeCommand } from '../app/resolve-request.ts';
import { runInProcess } from '../app/run-in-process.ts';
import { STEPS } from '../app/steps/index.ts';
import { parseCommandArgv } from '../core/command.ts';
import { describeDryRun } from '../core/dry-run-text.ts';
import type { FleetEntry } from '../core/ports.ts';
import type { RequestPolicy } from '../app/request-policy.ts';
import { knownSecretValues, type Env, type LoadedConfig } from '../config.ts';
import type { Requester } from '../core/run.ts';
import { createLogger } from '../log.ts';
import { createMetrics } from '../metrics.ts';
import { fanOut } from './observers.ts';
import { buildSlackOutput, outboxDrained } from './slack-outbox.ts';
import { retryDelay } from '../jobs/backoff.ts';
import { acquireRunnerLock } from '../jobs/runner-lock.ts';
import { checkRedis, createRedis } from '../redis.ts';
import { redisEndpoint } from '../redis-endpoint.ts';
import { systemClock, systemIds } from '../system.ts';
import { confirmDestruction, terminalIo } from './confirm.ts';
import { CliError, loadOrRefuse, scrubFor } from './load.ts';
import { progressPrinter } from './progress-printer.ts';
import { buildStepDeps } from './provisioning.ts';
import { toRequestPolicy } from './request-policy.ts';
import { buildStores, type Stores } from './stores.ts';

const out = (line: string) => console.log(line);
const CONSEQUENCE: Partial<Record<ChangeCommand['kind'], string>> = {
  'rotate-token': 'GitLab issues a new token and refuses the old one at once, and the VM gets the new one',
};
const noQueue = { enqueueRun: async () => undefined };

export function changeCommand(kind: ChangeCommand['kind']) {
  return async (argv: string[], env: Env): Promise<number> => {
    const dryRun = argv.includes('--dry-run');
    const yes = argv.includes('--yes') || argv.includes('-y');
    const json = argv.includes('--json');
    if (json && !dryRun) throw new CliError(`--json goes with --dry-run: runnerbot ${kind} NAME --dry-run --json`, 2);
    argv = argv.filter((a) => a !== '--yes' && a !== '-y' && a !== '--json');
    const loaded = loadOrRefuse(env, dryRun ? {} : { role: 'worker' });
    const parsed = parseCommandArgv([kind, ...argv], { namePattern: loaded.config.runners.namePattern });
    if (!parsed.ok) throw new CliError(`${parsed.error.message}\n${parsed.error.usage}`, 2);
    const command = parsed.value as ChangeCommand;
    const { config } = loaded;
    const scrub = scrubFor(loaded);
    const endpoint = redisEndpoint(config.redis, loaded.secrets);
    const redis = createRedis(endpoint, { name: `runnerbot-cli-${kind}` });
    const stores = buildStores(redis, loaded);
    try {
      await checkRedis(redis, endpoint);
      const policy = toRequestPolicy(config);
      if (command.dryRun) {
        const existing = await stores.fleet.get(command.name);
        return printDryRun(command, resolveRequest(policy, command, existing), existing, policy, json);
      }

      if (kind !== 'provision') await confirmDestruction(kind, command.name, yes, terminalIo(), CONSEQUENCE[kind]);
      // A terminal run is announced in the runs channel like any other, when this host has the bot token.
      const slack = terminalSlack(loaded, redis);
      const notifier = fanOut(
        [progressPrinter(out, scrub), ...(slack ? [slack.output.notifier] : [])],
        slack?.logger ?? createLogger({ level: 'warn', destination: process.stderr }),
      );
      const requester = { userId: `cli:${userInfo().username}@${hostname()}`, via: 'cli' as const };
      const deps = {
        ...stores,
        queue: noQueue,
        notifier,
        directory: { groupsOf: async () => [] },
        clock: systemClock,
        ids: systemIds,
        policy,
      };
      await slack?.output.delivery.start();
      try {
        return await runHere(kind, {
          loaded,
          redis,
          stores,
          deps,
          command,
          requester,
          ...(slack ? { channel: config.slack.channel } : {}),
        });
      } finally {
        if (slack && !(await outboxDrained(redis, config.redis.prefix, config.slack.channel, 15_000))) {
          console.error('runnerbot: some Slack messages of this run are still queued; a running runnerbot posts them');
        }
        await slack?.output.delivery.stop();
      }
    } finally {
      await stores.queue.close();
      redis.disconnect();
    }
  };
}

interface RunHere {
  loaded: LoadedConfig;
  redis: Redis;
  stores: Stores;
  deps: RequestJobDeps;
  command: ChangeCommand;
  requester: Requester;
  channel?: string;
}

/** Requests the run and runs it in this process, retrying transient failures; returns the exit code. */
async function runHere(
  kind: ChangeCommand['kind'],
  { loaded, redis, stores, deps, command, requester, channel }: RunHere,
): Promise<number> {
  const { config } = loaded;
  const scrub = scrubFor(loaded);
  const notifier = deps.notifier;
  const requested = await requestJob(deps, { command, requester, ...(channel ? { channel } : {}) });
  if (!requested.ok) throw new CliError(scrub(`${requested.error.code}: ${requested.error.message}`));
  const run = requested.value.run;
  out(`${kind} ${run.runner}: run ${run.id}, ${run.plan.length} steps`);

  const lock = await acquireRunnerLock(redis, config.redis.prefix, run.runner, 30_000);
  if (!lock) throw new CliError(`another worker holds the lock on ${run.runner}; try again when it is done`);
  const stepDeps = buildStepDeps(loaded, stores);
  const runDeps = { runs: stores.runs, steps: STEPS, stepDeps, notifier, audit: stores.audit, clock: systemClock };
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  try {
    const retry = {
      attempts: config.worker.attempts,
      delayMs: (attempt: number) =>
        retryDelay(attempt, { baseMs: config.worker.backoffMs, maxMs: config.worker.maxBackoffMs }),
    };
    const outcome = await runInProcess(runDeps, { runId: run.id, lock, signal: interrupt.signal }, retry);
    if (outcome.kind === 'finished') return outcome.run.status === 'succeeded' ? 0 : 1;
    if (outcome.kind === 'failed') return 1;
    await stores.queue.enqueueRun(run.id);
    out(`interrupted: run ${run.id} was handed to the workers and resumes at its checkpoint`);
    return 130;
  } finally {
    await lock.release();
  }
}

function terminalSlack(loaded: LoadedConfig, redis: Redis) {
  if (!loaded.secrets.slackBotToken) return null;
  const logger = createLogger({ level: 'warn', secrets: knownSecretValues(loaded), destination: process.stderr });
  const output = buildSlackOutput(loaded, { redis, logger, metrics: createMetrics() });
  return output ? { output, logger } : null;
}

function printDryRun(
  command: ChangeCommand,
  resolved: ReturnType<typeof resolveRequest>,
  existing: FleetEntry | null,
  policy: RequestPolicy,
  json: boolean,
): number {
  if (!resolved.ok) throw new CliError(`${resolved.error.code}: ${resolved.error.message}`, 2);
  const { spec, plan } = resolved.value;
  if (json) {
    out(JSON.stringify({ dryRun: true, kind: command.kind, spec, plan, existing }, null, 2));
    return 0;
  }
  const text = describeDryRun({
    kind: command.kind,
    spec,
    plan,
    existing,
    nodes: policy.nodes,
    ...(policy.vmidRange ? { vmidRange: policy.vmidRange } : {}),
    needsApproval: false,
  });
  const confirm =
    command.kind === 'provision' ? [] : ['Run for real, it asks you to confirm first (--yes for scripts).'];
  out(`Dry run of ${command.kind} ${command.name}:`);
  for (const line of text.summary) out(`  ${line}`);
  out('Steps:');
  for (const line of text.steps) out(`  ${line}`);
  for (const line of [...confirm, ...text.closing]) out(line);
  return 0;
}
