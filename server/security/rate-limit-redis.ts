import { redisReady, type RedisConnection } from '../redis/connection.js';
import { LocalTokenBucket, type RateDecision, type RateLimiter, type TokenBucketOptions } from './rate-limit.js';

// Refill and take in one script, so that concurrent requests from every worker and instance see one bucket.
// Time is Redis's own (TIME), not each caller's: gateway clocks may disagree, Redis has one clock. Redis 5+
// replicates scripts by effects, which is what makes TIME allowed before a write. The key expires once the
// bucket would be full again: an absent key is a full bucket, so nothing is lost and idle keys cost nothing.
const SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) * 1000 / rate)
end
-- %.17g round-trips a double; tostring's %.14g would cut 'now' to 0.1 ms, and with requests closer together than
-- that, the clipped negative intervals add up to free tokens (18 % too many at 30k requests/s in the tests).
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
return {allowed, string.format('%.17g', tokens), retry}
`;

const COMMAND = 'localmcpTokenBucket';

type BucketCommand = (key: string, capacity: number, rate: number, cost: number) => Promise<[number, string, number]>;

export interface RedisTokenBucketOptions extends TokenBucketOptions {
  /** The redis config's `keyPrefix`; buckets live at `<prefix>ratelimit:<key>`. */
  keyPrefix: string;
}

/**
 * The token bucket shared by every gateway process on one Redis. When Redis is not ready or a command fails
 * (timeout, connection lost), the decision comes from a local bucket instead: a request is never refused or
 * delayed because Redis is down; the limit is then per process until Redis returns.
 */
export class RedisTokenBucket implements RateLimiter {
  private readonly local: LocalTokenBucket;
  private readonly run: BucketCommand;
  /** How many decisions were taken locally because Redis was unavailable. */
  fallbacks = 0;

  constructor(
    private readonly connection: RedisConnection,
    private readonly options: RedisTokenBucketOptions,
  ) {
    this.local = new LocalTokenBucket(options);
    // ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT (after a Redis restart, say) by itself.
    if (!(COMMAND in connection)) connection.defineCommand(COMMAND, { numberOfKeys: 1, lua: SCRIPT });
    const command = (connection as unknown as Record<string, BucketCommand>)[COMMAND]!;
    this.run = command.bind(connection);
  }

  async take(key: string, cost = 1): Promise<RateDecision> {
    if (!redisReady(this.connection)) return this.fallback(key, cost);
    try {
      const { capacity, refillPerSecond } = this.options;
      const [allowed, tokens, retry] = await this.run(
        `${this.options.keyPrefix}ratelimit:${key}`,
        capacity,
        refillPerSecond,
        cost,
      );
      return {
        allowed: allowed === 1,
        remaining: Math.floor(Number(tokens)),
        retryAfterMs: Number(retry),
        limit: capacity,
      };
    } catch {
      return this.fallback(key, cost);
    }
  }

  private fallback(key: string, cost: number): RateDecision {
    this.fallbacks += 1;
    return this.local.takeNow(key, cost);
  }
}

/** The limiter for a config: shared through Redis when there is one, else local to this process. */
export function createRateLimiter(
  options: TokenBucketOptions,
  redis?: { connection: RedisConnection; keyPrefix: string },
): RateLimiter {
  return redis
    ? new RedisTokenBucket(redis.connection, { ...options, keyPrefix: redis.keyPrefix })
    : new LocalTokenBucket(options);
}
