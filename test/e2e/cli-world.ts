// The simulated world for CLI end-to-end tests: Proxmox VE (with fake VMs running real sshd),
// GitLab and Slack simulators, a runnerbot.yaml pointing at them, and `runnerbot <command>` as a
// real child process, exactly as an operator runs it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { writeRunnerbotConfig, type WrittenConfig } from '../../sandbox/runnerbot-config.ts';
import { startSimulators, type Simulators } from '../../sandbox/simulators.ts';
import { readAudit } from '../../src/jobs/redis-audit-log.ts';

const BIN = new URL('../../bin/runnerbot.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliWorld {
  sims: Simulators;
  config: WrittenConfig;
  prefix: string;
  redis: Redis;
  runnerbot(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Everything runnerbot wrote to Redis under its prefix, as text (for secret scans). */
  redisText(): Promise<string>;
  auditText(): Promise<string>;
  close(): Promise<void>;
}

export async function startCliWorld(): Promise<CliWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'rbt-e2e-cli-'));
  const sims = await startSimulators({ vmFarm: true });
  const prefix = `rbt-cli-${randomBytes(5).toString('hex')}`;
  const redisUrl = process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const config = await writeRunnerbotConfig({
    dir,
    sims,
    redis: { url: redisUrl, prefix },
    httpPort: 0,
    alertsToken: randomBytes(8).toString('hex'),
  });
  const redis = new Redis(redisUrl);
  const runnerbot = (args: string[], extraEnv: Record<string, string> = {}) =>
    new Promise<CliResult>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { PATH: process.env.PATH ?? '', ...config.env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  return {
    sims,
    config,
    prefix,
    redis,
    runnerbot,
    async redisText() {
      const parts: string[] = [];
      for (const key of await redis.keys(`${prefix}*`)) {
        const type = await redis.type(key);
        if (type === 'string') parts.push(String(await redis.get(key)));
        if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
        if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
        if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
      return parts.join('\n');
    },
    async auditText() {
      return JSON.stringify(await readAudit(redis, prefix));
    },
    async close() {
      await sims.stop();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
