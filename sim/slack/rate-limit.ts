// Token buckets, one per key: `burst` requests at once, refilled at `perSecond`. A request that
// would find a token within `graceMs` passes, so a client pacing itself exactly at the limit is
// not refused for a few milliseconds of network jitter.
export interface BucketRule {
  perSecond: number;
  burst: number;
  graceMs?: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rule: BucketRule,
    private readonly now: () => number,
  ) {}

  take(key: string): Take {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.rule.burst, at: now };
    const tokens = Math.min(this.rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rule.perSecond);
    const graceTokens = ((this.rule.graceMs ?? 0) / 1000) * this.rule.perSecond;
    if (tokens + graceTokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: now });
    const waitMs = ((1 - tokens) / this.rule.perSecond) * 1000;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
