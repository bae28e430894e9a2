// L3: a call whose arguments are similar enough (cosine >= threshold) to a cached call's is answered from the
// cache; below the threshold, for another tool, or for a tool that is not read-only, it is not.
import test from 'ava';
import { SemanticIndex, ToolResultCache } from '../../server/cache/index.js';
import type { CacheConfigInput } from '../../server/config/cache-schema.js';
import { bagOfWordsEmbedder, cacheConfig, countingFetch, manualClock } from './helpers.js';

const call = (query: string, tool = 'search', annotations: object = { readOnlyHint: true }) => ({
  server: 'docs',
  tool,
  args: { query },
  identity: 'docs@fixture/1',
  annotations,
});

function setup(l3: CacheConfigInput['l3'] = {}) {
  const embedder = bagOfWordsEmbedder();
  const clock = manualClock();
  const cache = new ToolResultCache({
    config: cacheConfig({ l3: { enabled: true, ...l3 } }),
    embedder,
    now: clock.now,
  });
  return { cache, embedder, clock };
}

// One word of twelve differs ("the" counts twice): cosine 14/15 ≈ 0.933 between the two texts.
const LONG = 'how do i configure the redis cache for the gateway in production mode';
const NEAR = 'how do i configure the redis cache for the gateway in staging mode';

test('a similar call above the threshold is served from L3', async (t) => {
  const { cache } = setup({ threshold: 0.9 });
  const upstream = countingFetch();
  await cache.call(call(LONG), upstream.fetch);
  const similar = await cache.call(call(NEAR), upstream.fetch);
  t.like(similar, { layer: 'l3', stale: false });
  t.like(similar.result._meta?.['localmcp/cache'], { layer: 'l3' });
  t.like(similar.result.content[0], { text: '#1' });
  t.is(upstream.calls, 1);
  t.like(cache.stats().l3, { enabled: true, hits: 1, entries: 1 });
});

test('below the threshold (default 0.95) it is a miss', async (t) => {
  const { cache } = setup();
  const upstream = countingFetch();
  await cache.call(call(LONG), upstream.fetch);
  t.is((await cache.call(call(NEAR), upstream.fetch)).layer, 'upstream');
  t.is((await cache.call(call('something else entirely'), upstream.fetch)).layer, 'upstream');
  t.is(upstream.calls, 3);
  t.like(cache.stats().l3, { hits: 0, misses: 3, entries: 3 });
});

test('the same words for another tool, or a tool that is not read-only, never match', async (t) => {
  const { cache } = setup({ threshold: 0.9 });
  const upstream = countingFetch();
  await cache.call(call(LONG), upstream.fetch);
  t.is((await cache.call(call(NEAR, 'search_code'), upstream.fetch)).layer, 'upstream');
  await cache.call(call(LONG, 'put', { idempotentHint: true }), upstream.fetch);
  t.is((await cache.call(call(NEAR, 'put', { idempotentHint: true }), upstream.fetch)).layer, 'upstream');
  t.is(upstream.calls, 4);
});

test('an expired match is not served', async (t) => {
  const { cache, clock } = setup({ threshold: 0.9 });
  const upstream = countingFetch();
  await cache.call(call(LONG), upstream.fetch);
  clock.advance(60_000);
  t.is((await cache.call(call(NEAR), upstream.fetch)).layer, 'upstream');
});

test('a failing embedder is counted, never thrown: the call is a plain miss', async (t) => {
  const { cache, embedder } = setup();
  const upstream = countingFetch();
  embedder.fail = true;
  t.is((await cache.call(call(LONG), upstream.fetch)).layer, 'upstream');
  t.is((await cache.call(call(LONG), upstream.fetch)).layer, 'l1', 'exact hits do not need the embedder');
  t.like(cache.stats().l3, { errors: 1 });
});

test('without an embedder L3 is off even when enabled', async (t) => {
  const cache = new ToolResultCache({ config: cacheConfig({ l3: { enabled: true, threshold: 0.5 } }) });
  const upstream = countingFetch();
  await cache.call(call(LONG), upstream.fetch);
  t.is((await cache.call(call(NEAR), upstream.fetch)).layer, 'upstream');
  t.deepEqual(cache.stats().l3, { enabled: false });
});

test('the index keeps at most maxEntries vectors, least recently matched out first', async (t) => {
  const embedder = bagOfWordsEmbedder();
  const index = new SemanticIndex({ embedder, threshold: 0.99, maxEntries: 2 });
  const vector = async (text: string) => (await index.embed(text))!;
  index.add('scope', 'a', await vector('alpha'));
  index.add('scope', 'b', await vector('beta'));
  t.is(index.nearest('scope', await vector('alpha'))?.id, 'a'); // a is now the most recent
  index.add('scope', 'c', await vector('gamma'));
  t.is(index.nearest('scope', await vector('beta')), undefined);
  t.is(index.nearest('scope', await vector('alpha'))?.id, 'a');
  t.is(index.nearest('other', await vector('alpha')), undefined);
  t.like(index.stats(), { entries: 2, evictions: 1 });
});
