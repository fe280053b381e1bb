// Approvals on Redis: a pending entry (a hash) with an expiry time, indexed by expiry while
// pending, and decided exactly once by a Lua script however many clicks arrive together. Redis
// drops each record a week after its expiry (the run record keeps the decision for good).
import type { Redis } from 'ioredis';
import type { Approval, ApprovalStore } from '../core/ports.ts';
import { luaScript } from '../lua.ts';
import { redisKeys } from './redis-keys.ts';

// KEYS: approval hash, pending index. ARGV: run id, decision, by, at.
const decideApproval = luaScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'decidedBy', ARGV[3], 'decidedAt', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`);

// KEYS: approval hash, pending index. ARGV: run id, expiresAt, record's end (ms epoch), fields...
const openApproval = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'pending', unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1`);

export interface RedisApprovalStoreOptions {
  /** How long an approval record outlives its expiry (a late click is still told what happened). */
  keepAfterExpiryMs?: number;
}

const WEEK_MS = 7 * 24 * 3600_000;

export function createRedisApprovalStore(
  redis: Redis,
  prefix: string,
  options: RedisApprovalStoreOptions = {},
): ApprovalStore {
  const keys = redisKeys(prefix);
  const keepMs = options.keepAfterExpiryMs ?? WEEK_MS;

  const get = async (runId: string): Promise<Approval | null> => {
    const hash = await redis.hgetall(keys.approval(runId));
    if (!hash.status) return null;
    return {
      runId,
      requester: hash.requester!,
      createdAt: Number(hash.createdAt),
      expiresAt: Number(hash.expiresAt),
      status: hash.status as Approval['status'],
      ...(hash.decidedBy ? { decidedBy: hash.decidedBy, decidedAt: Number(hash.decidedAt) } : {}),
    };
  };

  return {
    async open(approval) {
      const fields = [
        'requester',
        approval.requester,
        'createdAt',
        approval.createdAt,
        'expiresAt',
        approval.expiresAt,
      ];
      const end = approval.expiresAt + keepMs;
      await openApproval(
        redis,
        [keys.approval(approval.runId), keys.pendingApprovals],
        [approval.runId, approval.expiresAt, end, ...fields],
      );
    },
    get,
    async decide(runId, decision, by, at) {
      return (
        (await decideApproval(redis, [keys.approval(runId), keys.pendingApprovals], [runId, decision, by, at])) === 1
      );
    },
    async expired(now) {
      const due = await redis.zrangebyscore(keys.pendingApprovals, '-inf', now);
      const approvals = await Promise.all(due.map(get));
      // A record Redis already dropped leaves its index entry behind; it goes too.
      const gone = due.filter((_, i) => approvals[i] === null);
      if (gone.length > 0) await redis.zrem(keys.pendingApprovals, ...gone);
      return approvals.filter((a): a is Approval => a?.status === 'pending');
    },
  };
}
