// The whole service on a highly available Redis: the simulators, a real `runnerbot all` whose
// runnerbot.yaml points at the topology (sentinels or cluster nodes), and the test's own
// connection made the way runnerbot makes its own.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../../sandbox/free-port.ts';
import { detectCapabilities } from '../../../sandbox/prerequisites.ts';
import { writeRunnerbotConfig } from '../../../sandbox/runnerbot-config.ts';
import { startRunnerbot, type RunnerbotProcess } from '../../../sandbox/runnerbot-process.ts';
import { startSimulators, type Simulators } from '../../../sandbox/simulators.ts';
import { readAudit } from '../../../src/jobs/redis-audit-log.ts';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { redisSchema } from '../../../src/redis-config-schema.ts';
import { connectRedis, redisEndpoint, type RedisEndpoint } from '../../../src/redis-endpoint.ts';
import type { Redis } from '../../../src/redis.ts';
import type { Topology } from './topologies.ts';

export interface HaService {
  sims: Simulators;
  runnerbot: RunnerbotProcess;
  prefix: string;
  endpoint: RedisEndpoint;
  redis: Redis;
  alertsToken: string;
  runs: ReturnType<typeof createRedisRunStore>;
  jobEnds(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startHaService(topology: Topology): Promise<HaService> {
  const dir = await mkdtemp(join(tmpdir(), 'rbt-ha-'));
  const sims = await startSimulators({ vmFarm: detectCapabilities().vmFarm.ok });
  // A hash tag: on Cluster every key of the install shares one slot (and so one primary).
  const prefix = `{rbt-${randomBytes(4).toString('hex')}}`;
  const alertsToken = randomBytes(16).toString('hex');
  const port = await freePort();
  // Acknowledge (queued run, 202 to Alertmanager) only what the replica holds too.
  const section = { ...topology.redisConfig, prefix, replicasToAck: 1, replicaAckTimeoutMs: 1000 };
  const written = await writeRunnerbotConfig({ dir, sims, redis: section, httpPort: port, alertsToken });
  // One message per alert group: the storm must not be folded into a digest, so each group is counted.
  const config = parse(await readFile(written.file, 'utf8')) as { alerts: Record<string, unknown> };
  config.alerts.digestThreshold = 1000;
  await writeFile(written.file, stringify(config));
  const runnerbot = await startRunnerbot({ env: written.env, port, logFile: join(dir, 'runnerbot.log') });
  if (!runnerbot.ready) throw new Error(`runnerbot did not become healthy; see ${runnerbot.logFile}`);
  await sims.slack.socket.waitForConnection(10_000);
  const endpoint = redisEndpoint(redisSchema.parse(section), {});
  const redis = connectRedis(endpoint, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  return {
    sims,
    runnerbot,
    prefix,
    endpoint,
    redis,
    alertsToken,
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
      redis.disconnect();
      if (process.env.RUNNERBOT_HA_KEEP_LOGS) console.log(`runnerbot's log: ${runnerbot.logFile}`);
      else await rm(dir, { recursive: true, force: true });
    },
  };
}
