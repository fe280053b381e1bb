// The whole service for the Slack end-to-end tests: the simulators (with fake VMs running real
// sshd), a real `runnerbot all` child process configured like any install, and real Redis.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFile, writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { freePort } from '../../sandbox/free-port.ts';
import { GROUPS, PEOPLE, CHANNELS } from '../../sandbox/people.ts';
import { detectCapabilities } from '../../sandbox/prerequisites.ts';
import { writeRunnerbotConfig } from '../../sandbox/runnerbot-config.ts';
import { startRunnerbot, type RunnerbotProcess } from '../../sandbox/runnerbot-process.ts';
import { startSimulators, type Simulators } from '../../sandbox/simulators.ts';
import type { SimAccessToken } from '../../sim/gitlab/index.ts';
import { createRedisRunStore } from '../../src/jobs/redis-run-store.ts';
import { readAudit } from '../../src/jobs/redis-audit-log.ts';

export const OPERATOR = PEOPLE.find((p) => p.role === 'operator')!.id;
export const APPROVER = PEOPLE.find((p) => p.role === 'approver')!.id;
export const STRANGER = PEOPLE.find((p) => p.role === 'stranger')!.id;
export const CHANNEL = CHANNELS.runners.id;
export { GROUPS };

export interface Service {
  sims: Simulators;
  /** runnerbot's environment (RUNNERBOT_CONFIG and the secret files), for the CLI against the same install. */
  env: Record<string, string>;
  runnerbot: RunnerbotProcess;
  redis: Redis;
  prefix: string;
  runs: ReturnType<typeof createRedisRunStore>;
  /** How many runs a worker finished (job-end audit entries), by run id. */
  jobEnds(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  mode: 'socket' | 'http';
  vmFarm?: boolean;
  /** Changes runnerbot's configuration (the parsed YAML) before it starts. */
  configure?: (config: Record<string, Record<string, unknown>>) => void;
  /** Sets up a validation project in GitLab and configures runnerbot to validate new runners with it. */
  validation?: boolean;
}

/** GitLab's admin token with `api` too: starting pipelines and committing need it. */
const API_TOKEN: SimAccessToken = {
  token: 'glpat-sim-api-admin-000000',
  scopes: ['api', 'create_runner', 'manage_runner', 'read_api'],
  admin: true,
  user: 'root',
};

export async function startService(options: ServiceOptions): Promise<Service> {
  const dir = await mkdtemp(join(tmpdir(), 'rbt-e2e-slack-'));
  const vmFarm = options.vmFarm ?? detectCapabilities().vmFarm.ok;
  const sims = await startSimulators(
    options.validation ? { vmFarm, jobPollMs: 100, gitlabTokens: [API_TOKEN] } : { vmFarm },
  );
  const prefix = `rbt-${randomBytes(6).toString('hex')}`;
  const redisUrl = process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const port = await freePort();
  const written = await writeRunnerbotConfig({
    dir,
    sims,
    redis: { url: redisUrl, prefix },
    httpPort: port,
    alertsToken: randomBytes(16).toString('hex'),
  });
  if (options.configure) {
    const config = parse(await readFile(written.file, 'utf8')) as Record<string, Record<string, unknown>>;
    options.configure(config);
    await writeFile(written.file, stringify(config));
  }
  if (options.validation) {
    const projectId = sims.gitlab.addProject('platform/runner-validation');
    const config = parse(await readFile(written.file, 'utf8')) as Record<string, unknown>;
    config.validation = { projectId, ref: 'main', timeoutSeconds: 120 };
    await writeFile(written.file, stringify(config));
  }
  if (options.mode === 'http') {
    const config = parse(await readFile(written.file, 'utf8')) as { slack: Record<string, unknown> };
    config.slack.mode = 'http';
    await writeFile(written.file, stringify(config));
    sims.slack.setTransport('http');
    sims.slack.setRequestUrl(`http://127.0.0.1:${port}/slack/events`);
  }
  const runnerbot = await startRunnerbot({ env: written.env, port, logFile: join(dir, 'runnerbot.log') });
  if (!runnerbot.ready) throw new Error(`runnerbot did not become healthy; see ${runnerbot.logFile}`);
  if (options.mode === 'socket') await sims.slack.socket.waitForConnection(10_000);
  const redis = new Redis(redisUrl);
  return {
    sims,
    runnerbot,
    redis,
    prefix,
    env: written.env,
    runs: createRedisRunStore(redis, prefix),
    async jobEnds() {
      const counts: Record<string, number> = {};
      for (const e of await readAudit(redis, prefix))
        if (e.type === 'job-end' && e.runId) counts[e.runId] = (counts[e.runId] ?? 0) + 1;
      return counts;
    },
    async close() {
      await runnerbot.stop();
      await sims.stop();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { eventually as until } from '../support/eventually.ts';
