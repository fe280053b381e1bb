// The AlertStore on Redis: per (channel, group) state in one hash, claimed by one Lua script so
// two Alertmanagers or two workers never both post; storm digests as a hash of lines plus an order list.
import type { Redis } from 'ioredis';
import type { AlertGroupRecord, AlertStatus, AlertStore, DigestLine, GroupClaim } from '../../core/alerts/ports.ts';
import { ALERT_STATE_TTL_SECONDS, alertKeys, digestMessageKeyPrefix, groupMessageKey } from './keys.ts';
import { luaScript } from '../../lua.ts';
import type { AlertmanagerPayload } from '../../core/alerts/payload.ts';

const CLAIM = luaScript(`
local h = KEYS[1]
local fp, entry, messageKey = unpack(redis.call('HMGET', h, 'fp', 'entry', 'messageKey'))
if fp == ARGV[1] then
  if entry ~= ARGV[2] then return {'duplicate'} end
  local kind, prev = unpack(redis.call('HMGET', h, 'kind', 'prev'))
  return {kind, messageKey, prev or ''}
end
local kind
if messageKey then
  kind = redis.call('HGET', h, 'kind')
else
  local now = tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[6]))
  if redis.call('ZCARD', KEYS[2]) < tonumber(ARGV[5]) then
    kind = 'message'
    messageKey = ARGV[7]
  else
    kind = 'digest'
    messageKey = redis.call('GET', KEYS[3])
    if not messageKey then messageKey = ARGV[8] .. redis.call('INCR', KEYS[4]) end
    redis.call('SET', KEYS[3], messageKey, 'PX', ARGV[6])
  end
  redis.call('ZADD', KEYS[2], now, ARGV[12])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
local prev = redis.call('HGET', h, 'status') or ''
redis.call('HSET', h, 'fp', ARGV[1], 'entry', ARGV[2], 'status', ARGV[3], 'prev', prev, 'kind', kind,
  'messageKey', messageKey, 'labels', ARGV[9], 'externalURL', ARGV[10], 'payload', ARGV[13])
redis.call('EXPIRE', h, ARGV[11])
return {kind, messageKey, prev}
`);

const PUT_LINE = luaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 0 end
if redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
`);

const asStatus = (value: string | undefined): AlertStatus | undefined =>
  value === 'firing' || value === 'resolved' ? value : undefined;

export function createRedisAlertStore(redis: Redis, prefix: string): AlertStore {
  const keys = alertKeys(prefix);
  return {
    async claim(input): Promise<GroupClaim> {
      const reply = (await CLAIM(
        redis,
        [
          keys.group(input.channel, input.groupKey),
          keys.recentGroups(input.channel),
          keys.openDigest(input.channel),
          keys.digestSeq,
        ],
        [
          input.fingerprint,
          input.deliveryId,
          input.status,
          input.now,
          input.digest.threshold,
          input.digest.windowMs,
          groupMessageKey(input.channel, input.groupKey),
          digestMessageKeyPrefix(input.channel),
          JSON.stringify(input.commonLabels),
          input.externalURL,
          ALERT_STATE_TTL_SECONDS,
          input.groupKey,
          JSON.stringify(input.payload),
        ],
      )) as string[];
      if (reply[0] === 'duplicate') return { kind: 'duplicate' };
      const claim: GroupClaim = { kind: reply[0] === 'digest' ? 'digest' : 'message', messageKey: reply[1]! };
      const previousStatus = asStatus(reply[2]);
      return previousStatus ? { ...claim, previousStatus } : claim;
    },

    async group(channel, groupKey): Promise<AlertGroupRecord | null> {
      const fields = await redis.hgetall(keys.group(channel, groupKey));
      if (!fields.messageKey) return null;
      return {
        channel,
        groupKey,
        messageKey: fields.messageKey,
        status: asStatus(fields.status) ?? 'firing',
        commonLabels: JSON.parse(fields.labels ?? '{}') as Record<string, string>,
        externalURL: fields.externalURL ?? '',
      };
    },

    async putDigestLine(messageKey, line): Promise<DigestLine[] | null> {
      const lines = keys.digestLines(messageKey);
      const order = keys.digestOrder(messageKey);
      const changed = await PUT_LINE(
        redis,
        [lines, order],
        [line.groupKey, JSON.stringify(line), ALERT_STATE_TTL_SECONDS],
      );
      if (changed === 0) return null;
      const [[, ordered], [, all]] = (await redis.multi().lrange(order, 0, -1).hgetall(lines).exec()) as [
        [null, string[]],
        [null, Record<string, string>],
      ];
      return ordered.flatMap((groupKey) => (all[groupKey] ? [JSON.parse(all[groupKey]) as DigestLine] : []));
    },

    async lastPayload(channel, groupKey) {
      const json = await redis.hget(keys.group(channel, groupKey), 'payload');
      return json ? (JSON.parse(json) as AlertmanagerPayload) : null;
    },
  };
}
