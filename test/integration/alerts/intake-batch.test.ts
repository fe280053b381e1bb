// The notifications of one event-loop turn reach the intake stream in one pipeline: each is
// stored once, in the order it arrived, and each request learns its own fate.
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AlertmanagerPayload } from '../../../src/core/alerts/payload.ts';
import { createRedisAlertIntake } from '../../../src/jobs/alerts/intake.ts';
import { alertKeys } from '../../../src/jobs/alerts/keys.ts';
import { REDIS_URL, deletePrefix, newPrefix } from './support.ts';

const redis = new Redis(REDIS_URL);
const prefix = newPrefix();
afterEach(() => deletePrefix(redis, prefix));
afterAll(() => redis.disconnect());

const payload = (n: number) =>
  ({ groupKey: `group-${n}`, status: 'firing', alerts: [] }) as unknown as AlertmanagerPayload;

describe('the alert intake under a burst', () => {
  it('stores every notification of one turn once, in arrival order', async () => {
    const intake = createRedisAlertIntake(redis, prefix);
    await Promise.all(Array.from({ length: 50 }, (_, n) => intake.enqueue(payload(n))));
    const entries = await redis.xrange(alertKeys(prefix).intake, '-', '+');
    expect(entries.map(([, fields]) => (JSON.parse(fields[1]!) as { groupKey: string }).groupKey)).toEqual(
      Array.from({ length: 50 }, (_, n) => `group-${n}`),
    );
  });

  it('fails every request of the turn when Redis cannot take them', async () => {
    const gone = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    const intake = createRedisAlertIntake(gone, prefix);
    const outcomes = await Promise.allSettled([intake.enqueue(payload(1)), intake.enqueue(payload(2))]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await redis.exists(alertKeys(prefix).intake)).toBe(0);
    gone.disconnect();
  });
});
