// The `redis` section of runnerbot.yaml: one Redis (`url`), a Sentinel-watched primary
// (`sentinel`) or a Redis Cluster (`cluster`). Passwords come from REDIS_URL, REDIS_PASSWORD and
// REDIS_SENTINEL_PASSWORD, never from the file.
import { z } from 'zod';

const address = z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'a host:port address such as 10.0.0.5:26379');
/** Redis Cluster hashes only what is between the first `{` and the next `}`. */
export const HASH_TAG = /\{[^{}]+\}/;

export const redisSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    prefix: z.string().min(1).default('runnerbot'),
    sentinel: z
      .strictObject({
        addresses: z.array(address).min(1),
        masterName: z.string().min(1),
        username: z.string().min(1).optional(),
        /** TLS to the sentinels themselves (the data nodes follow `redis.tls`). */
        tls: z.boolean().default(false),
      })
      .optional(),
    cluster: z.strictObject({ addresses: z.array(address).min(1) }).optional(),
    /** For the data nodes found through `sentinel` or `cluster` (with `url`, put them in the URL). */
    username: z.string().min(1).optional(),
    tls: z.boolean().default(false),
    caFile: z.string().min(1).optional(),
    /** Replicas that must hold a write before runnerbot acknowledges it (WAIT); 0 waits for none. */
    replicasToAck: z.number().int().min(0).max(10).default(0),
    replicaAckTimeoutMs: z.number().int().min(1).max(60_000).default(1000),
  })
  .superRefine((redis, ctx) => {
    if (redis.sentinel && redis.cluster)
      ctx.addIssue({
        code: 'custom',
        path: ['cluster'],
        message: 'set either redis.sentinel or redis.cluster, not both',
      });
    if (redis.cluster && !HASH_TAG.test(redis.prefix)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prefix'],
        message: `on Redis Cluster the prefix must carry a hash tag, e.g. "{${redis.prefix}}", so each queue's and each run's keys share one slot`,
      });
    }
  })
  .default({
    url: 'redis://127.0.0.1:6379',
    prefix: 'runnerbot',
    tls: false,
    replicasToAck: 0,
    replicaAckTimeoutMs: 1000,
  });

export type RedisConfig = z.infer<typeof redisSchema>;
