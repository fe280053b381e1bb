// Everything a crash could have spilled a secret into: every key under the test's Redis prefix
// (run records, job data, the audit stream), the simulators' request logs and the workers' logs.
import type { JobsWorld } from './jobs-world.ts';

async function redisText(world: JobsWorld): Promise<string> {
  const { redis, prefix } = world;
  const parts: string[] = [];
  for (const key of await redis.keys(`${prefix}:*`)) {
    const type = await redis.type(key);
    if (type === 'string') parts.push(String(await redis.get(key)));
    if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return parts.join('\n');
}

export async function everythingOutsideTheVms(world: JobsWorld): Promise<string> {
  const logs = world.startedWorkers().flatMap((worker) => worker.lines.map((line) => JSON.stringify(line)));
  return [
    await redisText(world),
    JSON.stringify(world.sims.proxmox.requests),
    JSON.stringify(world.sims.gitlab.requests()),
    ...logs,
  ].join('\n');
}

/** The secrets runnerbot holds, which must never show up outside the VMs. */
export const configuredSecrets = (world: JobsWorld): string[] => [
  world.sims.proxmox.token.secret,
  world.sims.gitlab.token,
  world.sims.slack.botToken,
  world.sims.slack.appToken,
];
