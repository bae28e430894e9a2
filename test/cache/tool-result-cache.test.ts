// The cache in front of an upstream stand-in, with a clock the test moves: hits, TTL, stale-while-revalidate,
// stale-if-error, single-flight, invalidation, and what is never stored.
import test from 'ava';
import { CACHE_META_KEY, ToolResultCache } from '../../server/cache/index.js';
import type { CacheConfigInput } from '../../server/config/cache-schema.js';
import { cacheConfig, countingFetch, deferred, manualClock, text } from './helpers.js';

const readOnly = { readOnlyHint: true };
const request = (args: Record<string, unknown> = { q: 'x' }, server = 'srv') => ({
  server,
  tool: 'get',
  args,
  identity: `${server}@fixture/1.0.0`,
  annotations: readOnly,
});

function setup(config: CacheConfigInput = {}) {
  const clock = manualClock();
  const cache = new ToolResultCache({ config: cacheConfig({ ttlMs: 1_000, ...config }), now: clock.now });
  return { clock, cache };
}

test('a repeated call is served from L1, marked in _meta; the stored result is not changed', async (t) => {
  const { cache, clock } = setup();
  const upstream = countingFetch();
  const first = await cache.call(request(), upstream.fetch);
  t.like(first, { layer: 'upstream', stale: false });
  t.is(first.result._meta, undefined);
  clock.advance(400);
  const second = await cache.call(request({ q: 'x' }), upstream.fetch);
  t.like(second, { layer: 'l1', stale: false, ageMs: 400 });
  t.deepEqual(second.result._meta?.[CACHE_META_KEY], { layer: 'l1', ageMs: 400, stale: false });
  t.deepEqual(second.result.content, [{ type: 'text', text: '#1' }]);
  t.is(first.result._meta, undefined, 'the marker is on a copy, not on the stored result');
  t.is(upstream.calls, 1);
  const third = await cache.call(request(), upstream.fetch);
  t.deepEqual(third.result._meta?.[CACHE_META_KEY], { layer: 'l1', ageMs: 400, stale: false });
  t.like(cache.stats().l1, { hits: 2, misses: 1 });
});

test('tools that may have side effects reach the upstream every time', async (t) => {
  const { cache } = setup();
  const upstream = countingFetch();
  for (let i = 0; i < 3; i++) {
    const answer = await cache.call({ ...request(), annotations: { readOnlyHint: false } }, upstream.fetch);
    t.is(answer.layer, 'bypass');
  }
  await cache.call({ ...request(), annotations: undefined }, upstream.fetch);
  t.is(upstream.calls, 4);
  t.like(cache.stats(), { l1: { entries: 0 }, upstream: { bypass: 4 } });
});

test('after the TTL the upstream is called again', async (t) => {
  const { cache, clock } = setup();
  const upstream = countingFetch();
  await cache.call(request(), upstream.fetch);
  clock.advance(999);
  t.is((await cache.call(request(), upstream.fetch)).layer, 'l1');
  clock.advance(1);
  const again = await cache.call(request(), upstream.fetch);
  t.like(again, { layer: 'upstream' });
  t.is(again.result.content[0]?.type === 'text' && again.result.content[0].text, '#2');
});

test('results with isError are returned but never stored', async (t) => {
  const { cache } = setup();
  const upstream = countingFetch((n) => ({ ...text(`failed ${n}`), isError: true }));
  t.true((await cache.call(request(), upstream.fetch)).result.isError);
  t.true((await cache.call(request(), upstream.fetch)).result.isError);
  t.is(upstream.calls, 2);
  t.is(await cache.lastGood(request()), undefined);
  t.like(cache.stats(), { l1: { entries: 0 }, upstream: { errorResults: 2 } });
});

test('stale-while-revalidate: a stale result is served at once and refreshed by one background call', async (t) => {
  const { cache, clock } = setup({ staleWhileRevalidateMs: 5_000 });
  const upstream = countingFetch();
  await cache.call(request(), upstream.fetch);
  clock.advance(1_500);
  const stale = await Promise.all([1, 2, 3].map(() => cache.call(request(), upstream.fetch)));
  for (const answer of stale) {
    t.like(answer, { layer: 'l1', stale: true, ageMs: 1_500 });
    t.like(answer.result._meta?.[CACHE_META_KEY], { stale: true });
  }
  await cache.idle();
  t.is(upstream.calls, 2, 'one refresh for three stale serves');
  t.is(upstream.background, 1);
  const fresh = await cache.call(request(), upstream.fetch);
  t.like(fresh, { layer: 'l1', stale: false, ageMs: 0 });
  t.like(fresh.result.content[0], { text: '#2' });
  t.like(cache.stats(), { l1: { staleHits: 3 }, upstream: { refreshes: 1 } });
});

test('stale-while-revalidate: past the window the caller waits for the upstream', async (t) => {
  const { cache, clock } = setup({ staleWhileRevalidateMs: 500 });
  const upstream = countingFetch();
  await cache.call(request(), upstream.fetch);
  clock.advance(1_500);
  t.like(await cache.call(request(), upstream.fetch), { layer: 'upstream', stale: false });
  t.is(upstream.background, 0);
});

test('a failed refresh keeps the stale result and is counted, not thrown', async (t) => {
  const { cache, clock } = setup({ staleWhileRevalidateMs: 5_000 });
  let fail = false;
  const upstream = countingFetch((n) => {
    if (fail) throw new Error('upstream down');
    return text(`#${n}`);
  });
  await cache.call(request(), upstream.fetch);
  clock.advance(1_500);
  fail = true;
  t.like(await cache.call(request(), upstream.fetch), { layer: 'l1', stale: true });
  await cache.idle();
  t.like(await cache.call(request(), upstream.fetch), { layer: 'l1', stale: true });
  await cache.idle();
  t.like(cache.stats().upstream, { refreshes: 2, refreshFailures: 2 });
});

test('stale-if-error: lastGood returns an expired result with its age until the window ends', async (t) => {
  const { cache, clock } = setup({ staleIfErrorMs: 10_000 });
  const upstream = countingFetch();
  await cache.call(request(), upstream.fetch);
  const fresh = await cache.lastGood(request());
  t.is(fresh?.ageMs, 0);
  t.like(fresh?.result._meta?.[CACHE_META_KEY], { stale: false });
  clock.advance(6_000);
  t.is(await cache.call(request(), countingFetch(() => Promise.reject(new Error('down'))).fetch).catch(() => 'x'), 'x');
  const fallback = await cache.lastGood(request());
  t.is(fallback?.ageMs, 6_000);
  t.deepEqual(fallback?.result._meta?.[CACHE_META_KEY], { layer: 'l1', ageMs: 6_000, stale: true });
  t.like(fallback?.result.content[0], { text: '#1' });
  clock.advance(5_001); // 11 001 ms: TTL 1 000 + 10 000 passed
  t.is(await cache.lastGood(request()), undefined);
  t.is(await cache.lastGood(request({ q: 'never called' })), undefined);
});

test('single-flight: concurrent identical calls reach the upstream once', async (t) => {
  const { cache } = setup();
  const gate = deferred<void>();
  const upstream = countingFetch(async (n) => (await gate.promise, text(`#${n}`)));
  const calls = Array.from({ length: 20 }, () => cache.call(request(), upstream.fetch));
  const other = cache.call(request({ q: 'other' }), upstream.fetch);
  await new Promise((resolve) => setImmediate(resolve));
  gate.resolve();
  const answers = await Promise.all(calls);
  await other;
  t.is(upstream.calls, 2, 'one for the 20 identical calls, one for the other');
  t.true(answers.every((a) => a.layer === 'upstream' && a.result.content[0]?.type === 'text'));
  t.deepEqual(new Set(answers.map((a) => JSON.stringify(a.result))).size, 1);
  t.like(cache.stats().upstream, { coalesced: 19, fetches: 2 });
});

test('single-flight: a caller that aborts stops waiting; the shared call goes on for the others', async (t) => {
  const { cache } = setup();
  const gate = deferred<void>();
  const upstream = countingFetch(async (n) => (await gate.promise, text(`#${n}`)));
  const leaving = new AbortController();
  const first = cache.call(request(), upstream.fetch, { signal: leaving.signal });
  const staying = new AbortController();
  const second = cache.call(request(), upstream.fetch, { signal: staying.signal });
  await new Promise((resolve) => setImmediate(resolve));
  leaving.abort(new Error('client went away'));
  await t.throwsAsync(first, { message: 'client went away' });
  t.false(upstream.signals[0]!.aborted, 'one caller is still waiting');
  gate.resolve();
  t.like((await second).result.content[0], { text: '#1' });
});

test('single-flight: when every caller aborts, the upstream call is aborted', async (t) => {
  const { cache } = setup();
  const upstream = countingFetch(() => new Promise(() => undefined));
  const a = new AbortController();
  const b = new AbortController();
  const settled = Promise.allSettled([
    cache.call(request(), upstream.fetch, { signal: a.signal }),
    cache.call(request(), upstream.fetch, { signal: b.signal }),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  a.abort();
  t.false(upstream.signals[0]!.aborted);
  b.abort();
  t.true(upstream.signals[0]!.aborted);
  const outcomes = await settled;
  t.deepEqual(
    outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).name),
    ['AbortError', 'AbortError'],
  );
  t.is(upstream.calls, 1);
});

test('an upstream failure reaches every waiting caller and stores nothing', async (t) => {
  const { cache } = setup();
  const failing = countingFetch(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    throw new Error('boom');
  });
  const results = await Promise.allSettled([
    cache.call(request(), failing.fetch),
    cache.call(request(), failing.fetch),
  ]);
  t.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  t.is(failing.calls, 1);
  const next = countingFetch();
  t.is((await cache.call(request(), next.fetch)).layer, 'upstream');
});

test('invalidateServer: results stop being served, stay as fallbacks; other servers keep theirs', async (t) => {
  const { cache, clock } = setup();
  const upstream = countingFetch();
  await cache.call(request(), upstream.fetch);
  await cache.call(request({ q: 'x' }, 'other'), upstream.fetch);
  clock.advance(10);
  await cache.invalidateServer('srv');
  clock.advance(10);
  t.is((await cache.call(request(), upstream.fetch)).layer, 'upstream');
  t.is((await cache.call(request({ q: 'x' }, 'other'), upstream.fetch)).layer, 'l1');
  t.is(upstream.calls, 3);
  t.truthy(await cache.lastGood(request({ q: 'x' }, 'other')));
});

test('invalidateServer during an upstream call: that result is returned but not served to later calls', async (t) => {
  const { cache, clock } = setup();
  const gate = deferred<void>();
  const upstream = countingFetch(async (n) => (n === 1 ? (await gate.promise, text('old')) : text('new')));
  const pending = cache.call(request(), upstream.fetch);
  await new Promise((resolve) => setImmediate(resolve));
  clock.advance(5);
  await cache.invalidateServer('srv');
  gate.resolve();
  t.like((await pending).result.content[0], { text: 'old' });
  clock.advance(5);
  const after = await cache.call(request(), upstream.fetch);
  t.like(after, { layer: 'upstream' });
  t.like(after.result.content[0], { text: 'new' });
});

test('clear(server) drops entries and fallbacks of that server only; clear() drops all', async (t) => {
  const { cache, clock } = setup();
  const upstream = countingFetch();
  await cache.call(request(), upstream.fetch);
  await cache.call(request({ q: 'y' }), upstream.fetch);
  await cache.call(request({ q: 'x' }, 'other'), upstream.fetch);
  clock.advance(1);
  t.deepEqual(await cache.clear('srv'), { l1: 2, l2: 0, l3: 0 });
  t.is(await cache.lastGood(request()), undefined);
  t.truthy(await cache.lastGood(request({ q: 'x' }, 'other')));
  t.deepEqual(await cache.clear(), { l1: 1, l2: 0, l3: 0 });
  t.is(cache.stats().l1.entries, 0);
});
