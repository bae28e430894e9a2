import test from 'ava';
import { MemoryPluginCache, PluginMetricsStore, namespacedCache } from '../../server/plugins/index.js';

test('MemoryPluginCache: values expire after their TTL; a miss is undefined', async (t) => {
  let now = 1_000;
  const cache = new MemoryPluginCache({ now: () => now });
  await cache.set('short', 'a', { ttlMs: 100 });
  await cache.set('forever', { b: 1 });
  t.is(await cache.get('short'), 'a');
  now += 100;
  t.is(await cache.get('short'), undefined);
  t.deepEqual(await cache.get('forever'), { b: 1 });
  await cache.set('zero', 'z', { ttlMs: 0 });
  t.is(await cache.get('zero'), undefined);
  await cache.delete('forever');
  t.is(await cache.get('forever'), undefined);
  t.is(await cache.get('never-set'), undefined);
});

test('MemoryPluginCache: past maxEntries the least recently used entry goes', async (t) => {
  const cache = new MemoryPluginCache({ maxEntries: 2 });
  await cache.set('a', 1);
  await cache.set('b', 2);
  await cache.get('a'); // a is now more recent than b
  await cache.set('c', 3);
  t.is(cache.size, 2);
  t.is(await cache.get('b'), undefined);
  t.is(await cache.get('a'), 1);
  t.is(await cache.get('c'), 3);
});

test('namespacedCache: two plugins using the same key do not see each other', async (t) => {
  const shared = new MemoryPluginCache();
  const one = namespacedCache(shared, 'search:one');
  const two = namespacedCache(shared, 'search:two');
  await one.set('model', 'x');
  t.is(await two.get('model'), undefined);
  t.is(await one.get('model'), 'x');
  await two.set('model', 'y');
  await one.delete('model');
  t.is(await two.get('model'), 'y');
});

test('PluginMetricsStore: counters add up per plugin, name and label set; observations summarise', (t) => {
  const store = new PluginMetricsStore();
  const a = store.forPlugin('search:a');
  const b = store.forPlugin('search:b');
  a.increment('queries');
  a.increment('queries', {}, 2);
  a.increment('queries', { server: 'notes' });
  b.increment('queries');
  a.observe('latency_ms', 10, { op: 'search' });
  a.observe('latency_ms', 30, { op: 'search' });
  a.increment('bad', {}, Number.NaN);
  t.deepEqual(store.counters(), [
    { plugin: 'search:a', name: 'queries', labels: {}, value: 3 },
    { plugin: 'search:a', name: 'queries', labels: { server: 'notes' }, value: 1 },
    { plugin: 'search:b', name: 'queries', labels: {}, value: 1 },
  ]);
  t.deepEqual(store.observations(), [
    { plugin: 'search:a', name: 'latency_ms', labels: { op: 'search' }, count: 2, sum: 40, min: 10, max: 30 },
  ]);
});
