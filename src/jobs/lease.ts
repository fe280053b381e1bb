// A lease on Redis that lets one holder among all workers do a periodic chore (the pool
// reconciler, the rotation schedule): taken when free, renewed while this holder has it; a
// crashed holder's lease lapses by itself after `ttlMs`.
import type { Redis } from 'ioredis';

export async function takeLease(redis: Redis, key: string, holder: string, ttlMs: number): Promise<boolean> {
  const taken = await redis.set(key, holder, 'PX', ttlMs, 'NX');
  if (taken === 'OK') return true;
  if ((await redis.get(key)) !== holder) return false;
  await redis.pexpire(key, ttlMs);
  return true;
}
