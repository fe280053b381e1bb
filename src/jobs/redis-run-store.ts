// The RunStore port on Redis: one hash per run, a name claim per runner, and two indexes by time.
import type { Redis } from 'ioredis';
import { permanent } from '../core/errors.ts';
import type { RunStore } from '../core/ports.ts';
import { FINAL_STATUSES, type RunRecord, type RunStatus } from '../core/run.ts';
import { luaScript } from '../lua.ts';
import { redisKeys } from './redis-keys.ts';
import { decodeRecord, encodePatch, encodeRecord, pairsToHash } from './run-record-codec.ts';

// KEYS: active claim, run hash, recent index, runner's index. ARGV: id, createdAt, index caps, fields.
const createRun = luaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return {0, redis.call('GET', KEYS[1])} end
redis.call('HSET', KEYS[2], unpack(ARGV, 5))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -tonumber(ARGV[3]) - 1)
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -tonumber(ARGV[4]) - 1)
return {1}`);

// KEYS: run hash, [active claim]. ARGV: id, retention ms (0 = keep), number of set args, sets..., removals...
const patchRun = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local n = tonumber(ARGV[3])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 4, n + 3)) end
for i = n + 4, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
if KEYS[2] then
  if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
  if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
end
return redis.call('HGETALL', KEYS[1])`);

export interface RedisRunStoreOptions {
  now?: () => number;
  /** How long a finished run's record is kept. */
  retentionMs?: number;
  maxRecent?: number;
  maxRecentPerRunner?: number;
}

export function createRedisRunStore(redis: Redis, prefix: string, options: RedisRunStoreOptions = {}): RunStore {
  const keys = redisKeys(prefix);
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? 90 * 24 * 3600_000;

  const get = async (id: string): Promise<RunRecord | null> => decodeRecord(await redis.hgetall(keys.run(id)));

  async function patch(id: string, fields: Record<string, unknown>, activeKey?: string): Promise<RunRecord> {
    const { set, remove } = encodePatch({ ...fields, updatedAt: now() });
    const scriptKeys = activeKey ? [keys.run(id), activeKey] : [keys.run(id)];
    const reply = (await patchRun(redis, scriptKeys, [id, retentionMs, set.length, ...set, ...remove])) as
      string[] | null;
    const record = reply ? decodeRecord(pairsToHash(reply)) : null;
    if (!record) throw permanent('RUN.NOT_FOUND', `run ${id} does not exist`);
    return record;
  }

  async function list(ids: string[]): Promise<RunRecord[]> {
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.run(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies
      .map(([, hash]) => decodeRecord(hash as Record<string, string>))
      .filter((r): r is RunRecord => r !== null);
  }

  return {
    async create(run) {
      const reply = (await createRun(
        redis,
        [keys.activeRun(run.runner), keys.run(run.id), keys.recentRuns, keys.recentRunsOf(run.runner)],
        [run.id, run.createdAt, options.maxRecent ?? 10_000, options.maxRecentPerRunner ?? 1_000, ...encodeRecord(run)],
      )) as [number, string?];
      return reply[0] === 1 ? { created: true } : { created: false, activeRunId: reply[1]! };
    },
    get,
    update: (id, fields) => patch(id, fields),
    async activeFor(runner) {
      const id = await redis.get(keys.activeRun(runner));
      const run = id ? await get(id) : null;
      return run && !FINAL_STATUSES.includes(run.status) ? run : null;
    },
    async finish(id, status: RunStatus, fields = {}) {
      const runner = await redis.hget(keys.run(id), 'runner');
      if (!runner) throw permanent('RUN.NOT_FOUND', `run ${id} does not exist`);
      return patch(id, { finishedAt: now(), ...fields, status }, keys.activeRun(JSON.parse(runner) as string));
    },
    async recent(limit, runner) {
      const ids = await redis.zrevrange(runner ? keys.recentRunsOf(runner) : keys.recentRuns, 0, limit - 1);
      return list(ids);
    },
  };
}
