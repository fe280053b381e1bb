// The outbox's read-then-write steps, each one atomic Lua script.
import type { Redis } from 'ioredis';
import { luaScript } from '../../lua.ts';

/** Queues an op at the end of a lane; with a message key, only if that key was never posted. Returns the op id or null. */
const ENQUEUE = luaScript(`
if ARGV[6] == '1' then
  if redis.call('EXISTS', KEYS[4]) == 1 then return false end
  redis.call('HSET', KEYS[4], 'channel', ARGV[5], 'state', 'pending')
end
local id = tostring(redis.call('INCR', KEYS[3]))
redis.call('SET', ARGV[4] .. id, ARGV[3])
redis.call('RPUSH', KEYS[2], id)
redis.call('ZADD', KEYS[1], 'LT', ARGV[2], ARGV[1])
return id`);

/** Stores the newest content for a message; its edit is due after the message's minimum interval. */
const EDIT = luaScript(`
local channel = redis.call('HGET', KEYS[1], 'channel')
if not channel or redis.call('HGET', KEYS[1], 'state') == 'dropped' then return 0 end
redis.call('HSET', ARGV[5] .. ':edits:' .. channel, ARGV[1], ARGV[2])
local edited = tonumber(redis.call('HGET', KEYS[1], 'editedAt') or '0')
local due = math.max(tonumber(ARGV[3]), edited + tonumber(ARGV[4]))
redis.call('ZADD', ARGV[5] .. ':edits-due:' .. channel, 'NX', due, ARGV[1])
redis.call('ZADD', KEYS[2], 'LT', due, 'edit:' .. channel)
return 1`);

/** After an edit was sent (or refused for good): forget it unless newer content arrived meanwhile. */
const EDIT_DONE = luaScript(`
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then redis.call('HSET', KEYS[3], 'editedAt', ARGV[3]) end
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], tonumber(ARGV[3]) + tonumber(ARGV[4]), ARGV[1])
end
return 1`);

/** Puts a lane back in the schedule at `due` (or its first edit's due time), or removes it when it is empty. */
const RESCHEDULE = luaScript(`
local due = tonumber(ARGV[2])
if ARGV[3] == 'list' then
  if redis.call('LLEN', KEYS[2]) == 0 then redis.call('ZREM', KEYS[1], ARGV[1]) return 0 end
else
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if #first == 0 then redis.call('ZREM', KEYS[1], ARGV[1]) return 0 end
  due = math.max(due, tonumber(first[2]))
end
redis.call('ZADD', KEYS[1], due, ARGV[1])
return 1`);

const RENEW = luaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`,
);
const RELEASE = luaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
);

/** Token bucket: 0 when a token was taken, else the ms until one is free. */
const TAKE_TOKEN = luaScript(`
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local now, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = math.min(burst, (tonumber(b[1]) or burst) + math.max(0, now - (tonumber(b[2]) or now)) * rate)
if tokens >= 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', ARGV[1])
return math.ceil((1 - tokens) / rate)`);

/** Takes a method's slot if it is free at ARGV[2] (0), holding it ARGV[3] ms; else returns when it frees. */
const CLAIM_SLOT = luaScript(`
local free = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local now = tonumber(ARGV[2])
if free > now then return free end
redis.call('HSET', KEYS[1], ARGV[1], tostring(now + tonumber(ARGV[3])))
return 0`);

export const scripts = {
  enqueue: (
    redis: Redis,
    keys: [lanes: string, fifo: string, seq: string, message: string],
    args: [lane: string, now: number, op: string, opPrefix: string, channel: string, once: '0' | '1'],
  ) => ENQUEUE(redis, keys, args) as Promise<string | null>,
  edit: (
    redis: Redis,
    keys: [message: string, lanes: string],
    args: [key: string, content: string, now: number, minIntervalMs: number, base: string],
  ) => EDIT(redis, keys, args) as Promise<number>,
  editDone: (
    redis: Redis,
    keys: [edits: string, editsDue: string, message: string],
    args: [key: string, sent: string, now: number, minIntervalMs: number, sentOk: '0' | '1'],
  ) => EDIT_DONE(redis, keys, args),
  reschedule: (
    redis: Redis,
    keys: [lanes: string, work: string],
    args: [lane: string, due: number, kind: 'list' | 'zset'],
  ) => RESCHEDULE(redis, keys, args),
  renew: (redis: Redis, lease: string, token: string, ms: number) =>
    RENEW(redis, [lease], [token, ms]) as Promise<number>,
  release: (redis: Redis, lease: string, token: string) => RELEASE(redis, [lease], [token]),
  claimSlot: (redis: Redis, pace: string, method: string, now: number, holdMs: number) =>
    CLAIM_SLOT(redis, [pace], [method, Math.floor(now), holdMs]) as Promise<number>,
  takeToken: (redis: Redis, bucket: string, now: number, perMs: number, burst: number) =>
    TAKE_TOKEN(redis, [bucket], [now, perMs, burst]) as Promise<number>,
};
