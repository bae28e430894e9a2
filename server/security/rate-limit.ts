/** A token bucket: `capacity` tokens at most (the burst), refilled continuously at `refillPerSecond`. */
export interface TokenBucketOptions {
  capacity: number;
  refillPerSecond: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When denied: how long until `cost` tokens are there (for `Retry-After`); 0 when allowed. */
  retryAfterMs: number;
  /** The bucket's capacity (for `RateLimit-Limit`-style headers). */
  limit: number;
}

/** Rate limiting per key (a principal id): local to this process, or shared through Redis. */
export interface RateLimiter {
  take(key: string, cost?: number): Promise<RateDecision>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Past this many keys, buckets that have refilled completely are dropped: a full bucket is the same as none. */
const PRUNE_ABOVE = 10_000;

/**
 * The in-process bucket: exact for one process, and what the Redis limiter falls back to while Redis is away.
 * `now` is injectable so tests can move time without sleeping.
 */
export class LocalTokenBucket implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(
    readonly options: TokenBucketOptions,
    clock?: { now: () => number },
  ) {
    if (!(options.capacity > 0) || !(options.refillPerSecond > 0)) {
      throw new Error('a token bucket needs a positive capacity and refill rate');
    }
    this.now = clock?.now ?? (() => performance.now());
  }

  async take(key: string, cost = 1): Promise<RateDecision> {
    return this.takeNow(key, cost);
  }

  /** The synchronous form of `take`. */
  takeNow(key: string, cost = 1): RateDecision {
    const { capacity, refillPerSecond } = this.options;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * refillPerSecond) / 1000);
    const allowed = tokens >= cost;
    const left = allowed ? tokens - cost : tokens;
    if (!this.buckets.has(key) && this.buckets.size >= PRUNE_ABOVE) this.prune(now);
    this.buckets.set(key, { tokens: left, at: now });
    return {
      allowed,
      remaining: Math.floor(left),
      retryAfterMs: allowed ? 0 : Math.ceil(((cost - left) * 1000) / refillPerSecond),
      limit: capacity,
    };
  }

  private prune(now: number): void {
    const { capacity, refillPerSecond } = this.options;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * refillPerSecond) / 1000 >= capacity) this.buckets.delete(key);
    }
  }
}
