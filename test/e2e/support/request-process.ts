// A bot replica reduced to its request path, as a child process: `node --import tsx
// request-process.ts <runner>...` with runnerbot's environment. For each runner it requests a
// provision as an operator would from Slack. Its Slack post of the root message (between the run
// record and the job) prints `{"posting":runId}` and never returns, so a test can SIGKILL the
// process exactly there; with RUNNERBOT_TEST_POST=instant it posts nothing and goes on.
import { Redis } from 'ioredis';
import { GROUPS } from '../../../sandbox/people.ts';
import { requestJob } from '../../../src/app/request-job.ts';
import { loadOrRefuse } from '../../../src/composition/load.ts';
import { toRequestPolicy } from '../../../src/composition/request-policy.ts';
import { buildStores } from '../../../src/composition/stores.ts';
import type { Notifier } from '../../../src/core/ports.ts';
import { systemClock, systemIds } from '../../../src/system.ts';
import { staticDirectory } from '../../support/memory-ports.ts';

const OPERATOR = 'U0OLIVIA01';

const loaded = loadOrRefuse(process.env, { role: 'bot' });
const redis = new Redis(loaded.config.redis.url);
const stores = buildStores(redis, loaded);
const hang = process.env.RUNNERBOT_TEST_POST !== 'instant';
const notifier: Notifier = {
  async notify(event) {
    if (event.type !== 'run-requested' || !hang) return;
    process.stdout.write(`${JSON.stringify({ posting: event.run.id })}\n`);
    await new Promise(() => undefined);
  },
};
const deps = {
  ...stores,
  notifier,
  clock: systemClock,
  ids: systemIds,
  policy: toRequestPolicy(loaded.config),
  directory: staticDirectory({ [OPERATOR]: [GROUPS.operators.id] }),
};
for (const runner of process.argv.slice(2)) {
  const result = await requestJob(deps, {
    command: { kind: 'provision', name: runner, dryRun: false },
    requester: { userId: OPERATOR, via: 'slack' },
  });
  process.stdout.write(
    `${JSON.stringify(result.ok ? { requested: result.value.run.id } : { refused: result.error.code })}\n`,
  );
}
await stores.queue.close();
redis.disconnect();
