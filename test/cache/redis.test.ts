// L2 on a private redis-server, with the real echo fixture as the upstream: two caches (as two gateway
// processes, each with its own connections) share entries and invalidations; Redis dying, pausing or coming back
// never reaches a caller, and L2 is used again once Redis is back.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { Redis } from 'ioredis';
import { ToolResultCache, type FetchToolResult } from '../../server/cache/index.js';
import { RedisSchema } from '../../server/config/redis-schema.js';
import { closeRedis, connectRedis } from '../../server/redis/connection.js';
import { silentLogger } from '../../server/telemetry/logger.js';
import { connectStdio, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { cacheConfig } from './helpers.js';

type Context = { redis: PrivateRedis; upstream: Client; raw: Redis };
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  const [redis, upstream] = await Promise.all([startRedis(), connectStdio(stdioFixtureConfig())]);
  const raw = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: null });
  raw.on('error', () => undefined);
  t.context = { redis, upstream, raw };
});

test.after.always(async (t) => {
  t.context.raw.disconnect();
  await t.context.upstream?.close();
  await t.context.redis?.stop();
});

let prefixes = 0;

/** Two caches on one Redis and key prefix, each with its own connections, once both are subscribed. */
async function twoCaches(t: ExecutionContext<Context>, staleIfErrorMs = 3_600_000) {
  const keyPrefix = `t${++prefixes}:`;
  const redis = RedisSchema.parse({ url: t.context.redis.url, keyPrefix });
  const make = () => new ToolResultCache({ config: cacheConfig({ ttlMs: 60_000, staleIfErrorMs }), redis });
  const caches = [make(), make()] as const;
  t.teardown(() => Promise.all(caches.map((c) => c.close())));
  await waitFor(() => caches.every((c) => c.stats().l2.enabled && isReady(c)), { message: 'caches subscribed' });
  return { caches, keyPrefix };
}

function isReady(cache: ToolResultCache): boolean {
  const { l2 } = cache.stats();
  return l2.enabled && l2.ready && l2.subscribed;
}

const echo = (client: Client): FetchToolResult => {
  return async (signal) =>
    (await client.callTool({ name: 'echo', arguments: { text: 'x' } }, undefined, { signal })) as CallToolResult;
};

function request(text: string, server = 'fixture') {
  return {
    server,
    tool: 'echo',
    args: { text },
    identity: `${server}@echo/1.0.0`,
    annotations: { readOnlyHint: true },
  };
}

test.serial('an entry written by one process is an L2 hit in the other, then an L1 hit there', async (t) => {
  const {
    caches: [a, b],
    keyPrefix,
  } = await twoCaches(t);
  const fetch = echo(t.context.upstream);
  t.is((await a.call(request('shared'), fetch)).layer, 'upstream');
  await a.idle();
  const fromRedis = await b.call(request('shared'), fetch);
  t.is(fromRedis.layer, 'l2');
  t.like(fromRedis.result._meta?.['localmcp/cache'], { layer: 'l2', stale: false });
  t.is(firstText(fromRedis.result), 'x');
  t.is((await b.call(request('shared'), fetch)).layer, 'l1');

  const keys = await t.context.raw.keys(`${keyPrefix}*`);
  t.is(keys.length, 1);
  t.regex(keys[0]!, new RegExp(`^${keyPrefix}cache:fixture:[0-9a-f]{32}$`));
  const ttl = await t.context.raw.pttl(keys[0]!);
  t.true(ttl > 60_000 && ttl <= 60_000 + 3_600_000, `PX is TTL + stale window, got ${ttl}`);
  const stored = JSON.parse((await t.context.raw.get(keys[0]!))!) as { ttlMs: number; storedAt: number };
  t.is(stored.ttlMs, 60_000);
  t.is(typeof stored.storedAt, 'number');
  t.like(b.stats().l2, { hits: 1, errors: 0 });
});

test.serial(
  'invalidateServer and clear reach the other process; L2 keys of that server go (SCAN + UNLINK)',
  async (t) => {
    const {
      caches: [a, b],
      keyPrefix,
    } = await twoCaches(t);
    const fetch = echo(t.context.upstream);
    for (const cache of [a, b]) {
      await cache.call(request('one'), fetch);
      await cache.call(request('two'), fetch);
      await cache.call(request('one', 'other:srv'), fetch);
      await cache.idle();
    }
    t.is((await b.call(request('one'), fetch)).layer, 'l1');
    t.is((await t.context.raw.keys(`${keyPrefix}*`)).length, 3);

    await a.invalidateServer('fixture');
    t.deepEqual(await t.context.raw.keys(`${keyPrefix}cache:fixture:*`), [], 'L2 entries of the server are gone');
    t.is((await t.context.raw.keys(`${keyPrefix}*`)).length, 1, 'the other server (whose name has a colon) keeps its');
    await waitFor(
      () => b.stats().l2.enabled && (b.stats().l2 as { invalidationsReceived: number }).invalidationsReceived === 1,
    );
    t.is((await b.call(request('one'), fetch)).layer, 'upstream', 'B no longer serves its L1 copy');
    t.is((await b.call(request('one', 'other:srv'), fetch)).layer, 'l1');

    const removed = await a.clear();
    t.true(removed.l2 >= 1);
    await waitFor(() => b.stats().l1.entries === 0, { message: 'B dropped its L1 after clear()' });
    t.deepEqual(await t.context.raw.keys(`${keyPrefix}*`), []);
  },
);

test.serial("a connection passed in (the gateway's) is used for L2 and left open by close()", async (t) => {
  const redis = RedisSchema.parse({ url: t.context.redis.url, keyPrefix: `t${++prefixes}:` });
  const connection = connectRedis(redis, silentLogger(), 'gateway');
  t.teardown(() => closeRedis(connection));
  const cache = new ToolResultCache({ config: cacheConfig(), redis, redisConnection: connection });
  await waitFor(() => isReady(cache), { message: 'cache ready' });
  await cache.call(request('via the shared connection'), echo(t.context.upstream));
  await cache.close();
  t.is(connection.status, 'ready');
  t.deepEqual(
    await t.context.raw.keys(`${redis.keyPrefix}cache:*`),
    await connection.keys(`${redis.keyPrefix}cache:*`),
  );
  t.is((await connection.keys(`${redis.keyPrefix}cache:*`)).length, 1);
});

test.serial('a paused Redis costs a timeout, never an error; L2 is used again after it', async (t) => {
  const {
    caches: [a, b],
  } = await twoCaches(t);
  const fetch = echo(t.context.upstream);
  await t.context.raw.call('CLIENT', 'PAUSE', '1500', 'ALL');
  const answer = await a.call(request('while paused'), fetch);
  t.is(answer.layer, 'upstream');
  t.true(a.stats().l2.enabled && (a.stats().l2 as { errors: number }).errors >= 1);
  await waitFor(
    async () => {
      const text = `after pause ${Date.now()}`;
      await a.call(request(text), fetch);
      await a.idle();
      return (await b.call(request(text), fetch)).layer === 'l2';
    },
    { timeoutMs: 20_000, intervalMs: 200, message: 'L2 after the pause' },
  );
  t.true(b.stats().l2.enabled && (b.stats().l2 as { hits: number }).hits >= 1);
});

test.serial('killing Redis mid-traffic: zero errors from call(); after a restart L2 is used again', async (t) => {
  const { caches } = await twoCaches(t);
  const fetch = echo(t.context.upstream);
  let errors = 0;
  let done = 0;
  const kill = (async () => {
    await waitFor(() => done >= 60);
    await t.context.redis.kill();
  })();
  for (let i = 0; i < 240; i++) {
    const cache = caches[i % 2]!;
    // A few repeated calls (L1/L2 hits) and a new one (a miss) per round.
    for (const text of [`repeat ${i % 5}`, `new ${i}`]) {
      try {
        const { result } = await cache.call(request(text), fetch);
        if (firstText(result) !== 'x') errors++;
      } catch {
        errors++;
      }
    }
    done++;
    if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await kill;
  t.is(errors, 0);
  const troubles = caches.map((c) => c.stats().l2).map((l2) => (l2.enabled ? l2.errors + l2.skipped : 0));
  t.true(
    troubles.every((n) => n > 0),
    `L2 trouble was counted: ${troubles.join(', ')}`,
  );

  await t.context.redis.restart();
  const [a, b] = caches;
  const hitsBefore = b.stats().l2.enabled ? (b.stats().l2 as { hits: number }).hits : 0;
  await waitFor(
    async () => {
      const text = `after restart ${Date.now()}`;
      await a.call(request(text), fetch);
      await a.idle();
      return (await b.call(request(text), fetch)).layer === 'l2';
    },
    { timeoutMs: 30_000, intervalMs: 200, message: 'an L2 hit after the restart' },
  );
  const l2 = b.stats().l2;
  t.true(l2.enabled && l2.hits > hitsBefore && l2.ready);
  await waitFor(() => caches.every(isReady), { message: 'subscriptions restored' });
  await a.invalidateServer('fixture');
  await waitFor(() => (b.stats().l2 as { invalidationsReceived: number }).invalidationsReceived >= 1, {
    message: 'pub/sub works again after the restart',
  });
});
