// The audit trail: an append-only Redis stream, capped (approximately) so it cannot fill Redis.
// The stream entry id carries Redis' own clock, so entries from every process sort in one order.
import type { Redis } from 'ioredis';
import type { AuditEntry, AuditLog } from '../core/ports.ts';
import { redisKeys } from './redis-keys.ts';

export interface StoredAuditEntry extends AuditEntry {
  /** The stream entry id (`<ms>-<seq>`). */
  id: string;
  at: number;
}

export interface AuditQuery {
  runner?: string;
  sinceMs?: number;
}

const PAGE = 500;

export function createRedisAuditLog(redis: Redis, prefix: string, maxEntries = 1_000_000): AuditLog {
  const key = redisKeys(prefix).audit;
  return {
    async append(entry) {
      const fields = ['type', entry.type, 'detail', JSON.stringify(entry.detail)];
      if (entry.runId) fields.push('runId', entry.runId);
      if (entry.runner) fields.push('runner', entry.runner);
      if (entry.actor) fields.push('actor', entry.actor);
      await redis.xadd(key, 'MAXLEN', '~', maxEntries, '*', ...fields);
    },
  };
}

/** Every entry matching the query, oldest first. */
export async function readAudit(redis: Redis, prefix: string, query: AuditQuery = {}): Promise<StoredAuditEntry[]> {
  const key = redisKeys(prefix).audit;
  const entries: StoredAuditEntry[] = [];
  let start = query.sinceMs === undefined ? '-' : `${Math.max(0, Math.floor(query.sinceMs))}-0`;
  for (;;) {
    const page = await redis.xrange(key, start, '+', 'COUNT', PAGE);
    for (const [id, fields] of page) {
      const entry = decodeEntry(id, fields);
      if (!query.runner || entry.runner === query.runner) entries.push(entry);
    }
    if (page.length < PAGE) return entries;
    start = `(${page[page.length - 1]![0]}`;
  }
}

function decodeEntry(id: string, fields: string[]): StoredAuditEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  return {
    id,
    at: Number(id.split('-')[0]),
    type: map.get('type') as AuditEntry['type'],
    runId: map.get('runId'),
    runner: map.get('runner'),
    actor: map.get('actor'),
    detail: JSON.parse(map.get('detail') ?? '{}') as AuditEntry['detail'],
  };
}
