// `runnerbot audit …` wired to the configuration and one Redis connection; output is scrubbed.
import type { Env } from '../config.ts';
import { checkRedis, createRedis } from '../redis.ts';
import { redisEndpoint } from '../redis-endpoint.ts';
import { auditCommand } from './audit.ts';
import { CliError, loadOrRefuse, scrubFor } from './load.ts';

export async function runAudit(argv: string[], env: Env): Promise<number> {
  const loaded = loadOrRefuse(env, {});
  const { prefix } = loaded.config.redis;
  const endpoint = redisEndpoint(loaded.config.redis, loaded.secrets);
  const scrub = scrubFor(loaded);
  const redis = createRedis(endpoint, { name: 'runnerbot-audit' });
  try {
    await checkRedis(redis, endpoint).catch((error: Error) => {
      throw new CliError(scrub(error.message));
    });
    return await auditCommand(argv, { redis, prefix, out: (line) => console.log(scrub(line)) });
  } finally {
    redis.disconnect();
  }
}
