// L1 is bounded by bytes: the least recently used entries go first, oversized results are not kept.
import test from 'ava';
import { MemoryLayer } from '../../server/cache/memory-layer.js';
import { ToolResultCache } from '../../server/cache/index.js';
import { cacheConfig, countingFetch, text } from './helpers.js';

const entry = (bytes: number, server = 's') => ({ storedAt: 0, ttlMs: 1_000, result: text('x'), server, bytes });

test('the summed size stays within maxBytes; the least recently used entries are evicted', (t) => {
  const l1 = new MemoryLayer({ maxBytes: 10_000, maxEntryBytes: 5_000, now: () => 0 });
  for (let i = 0; i < 5; i++) l1.set(`k${i}`, entry(3_000), 60_000);
  l1.get('k2'); // used recently: must survive
  l1.set('k5', entry(3_000), 60_000);
  const stats = l1.stats();
  t.true(stats.bytes <= 10_000, `bytes ${stats.bytes}`);
  t.is(stats.entries, 3);
  t.is(stats.evictions, 3);
  t.truthy(l1.get('k2'));
  t.truthy(l1.get('k5'));
  t.is(l1.get('k0'), undefined);
});

test('an entry larger than maxEntryBytes is not kept and is counted', (t) => {
  const l1 = new MemoryLayer({ maxBytes: 10_000, maxEntryBytes: 5_000, now: () => 0 });
  t.false(l1.set('big', entry(6_000), 60_000));
  t.is(l1.get('big'), undefined);
  t.like(l1.stats(), { tooLarge: 1, entries: 0, bytes: 0 });
});

test('clear(server) drops only that server', (t) => {
  const l1 = new MemoryLayer({ maxBytes: 10_000, maxEntryBytes: 5_000, now: () => 0 });
  l1.set('a1', entry(10, 'a'), 60_000);
  l1.set('a2', entry(10, 'a'), 60_000);
  l1.set('b1', entry(10, 'b'), 60_000);
  t.is(l1.clear('a'), 2);
  t.truthy(l1.get('b1'));
  t.is(l1.clear(), 1);
});

test('through the cache: results bigger than the L1 bound push out older ones, and sizes are JSON sizes', async (t) => {
  const cache = new ToolResultCache({ config: cacheConfig({ l1: { maxBytes: 4_096, maxEntryBytes: 2_048 } }) });
  const upstream = countingFetch((n) => text(`${n}:${'x'.repeat(1_000)}`));
  const request = (i: number) => ({
    server: 's',
    tool: 't',
    args: { i },
    identity: 'id',
    annotations: { readOnlyHint: true },
  });
  for (let i = 0; i < 10; i++) await cache.call(request(i), upstream.fetch);
  const { l1 } = cache.stats();
  t.true(l1.bytes <= 4_096 && l1.bytes > 3 * 1_000, `bytes ${l1.bytes}`);
  t.is(l1.entries, 3);
  t.is(l1.evictions, 7);
  t.is((await cache.call(request(9), upstream.fetch)).layer, 'l1', 'the newest is still there');
  t.is((await cache.call(request(0), upstream.fetch)).layer, 'upstream', 'the oldest was evicted');
  const huge = await cache.call(request(99), countingFetch(() => text('y'.repeat(3_000))).fetch);
  t.is(huge.layer, 'upstream');
  t.is(cache.stats().l1.tooLarge, 1);
});
