// The shared token bucket on a private redis-server: two limiter instances on separate connections stand for two
// gateway processes. Accuracy is checked against the bucket's own formula over the elapsed Redis time, so the
// assertion holds however fast or slow this machine is.
import test from 'ava';
import { RedisSchema } from '../../server/config/redis-schema.js';
import { closeRedis, connectRedis, redisReady, type RedisConnection } from '../../server/redis/connection.js';
import { RedisTokenBucket } from '../../server/security/rate-limit-redis.js';
import { silentLogger } from '../../server/telemetry/logger.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

const PREFIX = 'rl-test:';

async function connections(redis: PrivateRedis, count: number, t: { teardown(fn: () => Promise<void>): void }) {
  const config = RedisSchema.parse({ url: redis.url, keyPrefix: PREFIX, commandTimeoutMs: 1000 });
  const opened: RedisConnection[] = [];
  for (let i = 0; i < count; i += 1) opened.push(connectRedis(config, silentLogger(), `rate-limit-${i}`));
  t.teardown(async () => void (await Promise.all(opened.map(closeRedis))));
  await waitFor(() => opened.every(redisReady), { message: 'redis connections ready' });
  return opened;
}

const redisMs = async (connection: RedisConnection) => {
  const [seconds, micros] = await connection.time();
  return Number(seconds) * 1000 + Number(micros) / 1000;
};

test('two limiters sharing Redis allow capacity + rate × elapsed between them (within 5 %)', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const [a, b, probe] = await connections(redis, 3, t);
  const options = { capacity: 50, refillPerSecond: 100, keyPrefix: PREFIX };
  const limiters = [new RedisTokenBucket(a!, options), new RedisTokenBucket(b!, options)];

  const counts = [0, 0];
  let requests = 0;
  const started = await redisMs(probe!);
  const until = Date.now() + 1500;
  // 8 concurrent request loops per instance: far more demand than the 100/s the bucket supplies.
  await Promise.all(
    limiters.flatMap((limiter, i) =>
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          requests += 1;
          if ((await limiter.take('key:shared')).allowed) counts[i]! += 1;
        }
      }),
    ),
  );
  const elapsedSec = ((await redisMs(probe!)) - started) / 1000;
  const allowed = counts[0]! + counts[1]!;
  const expected = options.capacity + options.refillPerSecond * elapsedSec;
  t.log({
    allowed,
    expected: Math.round(expected),
    requests,
    elapsedSec,
    perInstance: counts,
    fallbacks: limiters.map((l) => l.fallbacks),
  });
  t.true(requests > expected * 2, 'demand exceeded supply throughout');
  t.true(counts[0]! > 0 && counts[1]! > 0, 'both instances drew from the bucket');
  t.true(Math.abs(allowed - expected) <= expected * 0.05, `allowed ${allowed}, expected ${expected.toFixed(1)}`);
  t.is(limiters[0]!.fallbacks + limiters[1]!.fallbacks, 0, 'every decision came from Redis');
});

test('buckets live under the configured prefix and expire once they would be full again', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const [connection] = await connections(redis, 1, t);
  const limiter = new RedisTokenBucket(connection!, { capacity: 2, refillPerSecond: 1, keyPrefix: PREFIX });
  t.like(await limiter.take('key:abc'), { allowed: true, remaining: 1, limit: 2 });
  t.like(await limiter.take('key:abc'), { allowed: true, remaining: 0 });
  const denied = await limiter.take('key:abc');
  t.false(denied.allowed);
  t.true(denied.retryAfterMs > 0 && denied.retryAfterMs <= 1000, `retryAfterMs ${denied.retryAfterMs}`);
  t.deepEqual(await connection!.keys('*'), [`${PREFIX}ratelimit:key:abc`]);
  const ttl = await connection!.pttl(`${PREFIX}ratelimit:key:abc`);
  // Two tokens short at 1/s: full again in ~2 s, plus a second of margin.
  t.true(ttl > 0 && ttl <= 3000, `pttl ${ttl}`);
});

test('with Redis gone, decisions come from a local bucket without errors; Redis is used again when back', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const [connection] = await connections(redis, 1, t);
  const limiter = new RedisTokenBucket(connection!, { capacity: 3, refillPerSecond: 0.001, keyPrefix: PREFIX });
  t.true((await limiter.take('key:k')).allowed);

  await redis.kill();
  const down = [];
  for (let i = 0; i < 5; i += 1) down.push(await limiter.take('key:k'));
  t.deepEqual(
    down.map((d) => d.allowed),
    [true, true, true, false, false],
    'the local bucket starts full and enforces the same capacity',
  );
  t.is(limiter.fallbacks, 5);

  await redis.restart();
  await waitFor(() => redisReady(connection!), { timeoutMs: 15_000, message: 'reconnected' });
  t.true((await limiter.take('key:k')).allowed, 'the restarted (empty) Redis has a full bucket');
  t.is(limiter.fallbacks, 5, 'no more fallbacks once Redis is back');
  t.deepEqual(await connection!.keys('*'), [`${PREFIX}ratelimit:key:k`]);
});
