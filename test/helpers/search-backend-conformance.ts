// The behaviour every SearchBackend must show, as ava tests any backend can register: the built-in exact index and
// each search plugin run the same cases (ranking, replace, remove, filter, limit, dimension errors, persistence,
// abort, recall on random vectors), so a plugin that passes is a drop-in for another.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { mulberry32 } from '../../server/util/random.js';
import type { ExecutionContext } from 'ava';
import type {
  PluginCache,
  PluginContext,
  PluginDefinition,
  PluginLogger,
  SearchBackend,
  VectorHit,
  VectorRecord,
} from '@localmcp/plugin-api';

/** A backend under test. */
export interface SearchBackendSubject {
  /** Prefixes every test title, e.g. `search:hnsw`. */
  name: string;
  /** A fresh, empty backend; called once per test (twice for the persistence case). */
  create(): SearchBackend | Promise<SearchBackend>;
  /** True for exact search: recall@10 must then be exactly 1. Approximate backends must reach 0.9. */
  exact: boolean;
}

// ------------------------------------------------------------------------------------------------ plugin helpers

const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

/** A PluginContext like the host's, with a silent logger, no-op metrics and an in-memory cache. */
export function testPluginContext(id: string, signal: AbortSignal = new AbortController().signal): PluginContext {
  const values = new Map<string, unknown>();
  const cache: PluginCache = {
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
  };
  return { id, logger: silentLogger, metrics: { increment() {}, observe() {} }, cache, signal };
}

/** Creates a search plugin's backend the way the host does: options through the plugin's schema, then create(). */
export async function createSearchBackend(
  definition: PluginDefinition<'search', unknown>,
  options: unknown = {},
): Promise<SearchBackend> {
  let parsed = options;
  if (definition.options) {
    const result = definition.options.safeParse(options);
    if (!result.success) throw new Error(`invalid options: ${result.error.issues.map((i) => i.message).join('; ')}`);
    parsed = result.data;
  }
  return definition.create(parsed, testPluginContext(`search:${definition.name}`));
}

// ------------------------------------------------------------------------------------------------ vector helpers

/** A Float32Array from numbers. */
export const vec = (...values: number[]): Float32Array => Float32Array.from(values);

/** Cosine similarity in double precision: the reference every backend is checked against. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The exact top `limit` of `records` for `query`, by brute force. */
export function bruteForce(
  records: readonly VectorRecord[],
  query: ArrayLike<number>,
  limit: number,
  filter?: (id: string) => boolean,
): VectorHit[] {
  return records
    .filter((r) => !filter || filter(r.id))
    .map((r) => ({ id: r.id, score: cosine(r.vector, query) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** A seeded generator (mulberry32) of standard normal values, so random cases are the same on every run. */
export function seededNormal(seed: number): () => number {
  const uniform = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** `count` random vectors of `dimensions`, with ids `v0`, `v1`, ... */
export function randomRecords(count: number, dimensions: number, seed: number): VectorRecord[] {
  const normal = seededNormal(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `v${i}`,
    vector: Float32Array.from({ length: dimensions }, normal),
  }));
}

// ------------------------------------------------------------------------------------------------ the suite

/** Five vectors whose cosines to {@link query} are all different; scaled ones check the backend normalises. */
const known: VectorRecord[] = [
  { id: 'a', vector: vec(1, 0, 0, 0) },
  { id: 'b', vector: vec(4, 2, 0, 0) },
  { id: 'c', vector: vec(0, 3, 0, 0) },
  { id: 'd', vector: vec(0, 0, 1, 0) },
  { id: 'e', vector: vec(-2, 0, 0, 0) },
];
const query = vec(1, 0.25, 0, 0);

const ids = (hits: VectorHit[]) => hits.map((h) => h.id);

/** Asserts `hits` are `expected` in order, with scores within float32 rounding of the reference cosines. */
function assertHits(t: ExecutionContext, hits: VectorHit[], expected: VectorHit[], message?: string): void {
  t.deepEqual(ids(hits), ids(expected), message);
  hits.forEach((hit, i) => {
    const want = expected[i]!.score;
    t.true(Math.abs(hit.score - want) < 1e-4, `${message ?? ''} score of ${hit.id}: ${hit.score}, expected ${want}`);
  });
}

/**
 * Registers the conformance tests for one backend. Call it at the top level of a test file:
 *
 * ```ts
 * searchBackendConformance({ name: 'search:exact', exact: true, create: () => new ExactIndex() });
 * ```
 */
export function searchBackendConformance(subject: SearchBackendSubject): void {
  const title = (what: string) => `${subject.name}: ${what}`;
  const open = async (t: ExecutionContext): Promise<SearchBackend> => {
    const backend = await subject.create();
    t.teardown(() => backend.close?.());
    return backend;
  };
  const tempDir = async (t: ExecutionContext): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'localmcp-backend-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };

  test(title('an empty index has size 0 and every search returns []'), async (t) => {
    const backend = await open(t);
    t.is(backend.size(), 0);
    t.deepEqual(await backend.search(query, { limit: 10 }), []);
    t.deepEqual(await backend.search(vec(1, 2, 3), { limit: 10 }), [], 'no dimension is fixed yet');
    await backend.remove(['nothing']);
    await backend.upsert([]);
    t.is(backend.size(), 0);
  });

  test(title('search ranks by cosine similarity, best first, and scores are cosines'), async (t) => {
    const backend = await open(t);
    await backend.upsert(known);
    t.is(backend.size(), 5);
    const hits = await backend.search(query, { limit: 5 });
    assertHits(t, hits, bruteForce(known, query, 5));
    t.deepEqual(ids(hits), ['b', 'a', 'c', 'd', 'e'], 'the reference order itself');
    assertHits(t, await backend.search(vec(0, 0, 5, 0), { limit: 1 }), [{ id: 'd', score: 1 }], 'a scaled query');
  });

  test(title('upsert replaces a vector by id; within one batch the last record of an id wins'), async (t) => {
    const backend = await open(t);
    await backend.upsert(known);
    await backend.upsert([{ id: 'e', vector: vec(1, 0.25, 0, 0) }]);
    t.is(backend.size(), 5, 'replacing does not add');
    const replaced = known.map((r) => (r.id === 'e' ? { id: 'e', vector: vec(1, 0.25, 0, 0) } : r));
    assertHits(t, await backend.search(query, { limit: 5 }), bruteForce(replaced, query, 5));

    await backend.upsert([
      { id: 'x', vector: vec(0, 0, 0, 1) },
      { id: 'x', vector: vec(0, 0, 1, 0) },
    ]);
    t.is(backend.size(), 6);
    const hits = await backend.search(vec(0, 0, 1, 0), { limit: 2 });
    t.deepEqual(ids(hits).sort(), ['d', 'x'], 'x holds the second vector');
    t.true(hits.every((h) => Math.abs(h.score - 1) < 1e-4));
  });

  test(title('remove deletes ids, ignores unknown ones, and a removed id can come back'), async (t) => {
    const backend = await open(t);
    await backend.upsert(known);
    await backend.remove(['b', 'nope', 'd']);
    t.is(backend.size(), 3);
    const rest = known.filter((r) => r.id !== 'b' && r.id !== 'd');
    assertHits(t, await backend.search(query, { limit: 10 }), bruteForce(rest, query, 10));
    await backend.remove(['b']);
    t.is(backend.size(), 3, 'removing twice is harmless');

    await backend.upsert([{ id: 'b', vector: vec(0, 0, 0, 1) }]);
    t.is(backend.size(), 4);
    t.deepEqual(ids(await backend.search(vec(0, 0, 0, 1), { limit: 1 })), ['b'], 'b is back with its new vector');

    await backend.remove(['a', 'b', 'c', 'e']);
    t.is(backend.size(), 0);
    t.deepEqual(await backend.search(query, { limit: 3 }), []);
  });

  test(title('a filter keeps only the ids it accepts, and the limit still applies'), async (t) => {
    const backend = await open(t);
    const records = randomRecords(40, 8, 7);
    await backend.upsert(records);
    const q = records[3]!.vector;
    const even = (id: string) => Number(id.slice(1)) % 2 === 0;
    const hits = await backend.search(q, { limit: 5, filter: even });
    assertHits(t, hits, bruteForce(records, q, 5, even));
    t.false(ids(hits).includes('v3'), 'the nearest vector is filtered out');
    t.deepEqual(await backend.search(q, { limit: 5, filter: () => false }), []);
    const only = await backend.search(q, { limit: 5, filter: (id) => id === 'v20' });
    t.deepEqual(ids(only), ['v20'], 'one accepted id is found however far it is');
  });

  test(title('limit: at most `limit` hits, all of them when it exceeds the size, none for 0'), async (t) => {
    const backend = await open(t);
    await backend.upsert(known);
    assertHits(t, await backend.search(query, { limit: 2 }), bruteForce(known, query, 2));
    t.is((await backend.search(query, { limit: 50 })).length, 5);
    t.deepEqual(await backend.search(query, { limit: 0 }), []);
  });

  test(title('a vector of another dimension is a clear error, not a crash, and changes nothing'), async (t) => {
    const backend = await open(t);
    await backend.upsert(known);
    const upsertError = await t.throwsAsync(backend.upsert([{ id: 'short', vector: vec(1, 2, 3) }]));
    t.regex(upsertError.message, /dimension/i);
    t.regex(upsertError.message, /\b3\b/);
    t.regex(upsertError.message, /\b4\b/);
    await t.throwsAsync(
      backend.upsert([
        { id: 'fine', vector: vec(1, 1, 1, 1) },
        { id: 'long', vector: vec(1, 2, 3, 4, 5) },
      ]),
      { message: /dimension/i },
    );
    t.is(backend.size(), 5, 'a batch with one bad vector adds nothing');
    t.false(ids(await backend.search(vec(1, 1, 1, 1), { limit: 5 })).includes('fine'));
    const searchError = await t.throwsAsync(backend.search(vec(1, 2), { limit: 3 }));
    t.regex(searchError.message, /dimension/i);
    assertHits(t, await backend.search(query, { limit: 5 }), bruteForce(known, query, 5), 'still usable');

    await backend.remove(known.map((r) => r.id));
    await backend.upsert([{ id: 'three', vector: vec(0, 1, 0) }]);
    t.deepEqual(
      ids(await backend.search(vec(0, 2, 0), { limit: 1 })),
      ['three'],
      'an empty index takes a new dimension',
    );
  });

  test(title('persist then load restores ids, vectors and scores in a fresh backend'), async (t) => {
    const dir = await tempDir(t);
    const records = randomRecords(60, 16, 11);
    const first = await open(t);
    await first.upsert(records);
    await first.remove(['v0', 'v1']);
    await first.upsert([{ id: 'v2', vector: randomRecords(1, 16, 99)[0]!.vector }]);
    t.truthy(first.persist && first.load, 'persist and load are implemented');
    await first.persist!(dir);
    await first.upsert([{ id: 'after', vector: records[9]!.vector }]);
    await first.persist!(dir); // overwriting an earlier persist
    const q = records[5]!.vector;
    const before = await first.search(q, { limit: 10 });

    const second = await open(t);
    t.true(await second.load!(dir));
    t.is(second.size(), first.size());
    const after = await second.search(q, { limit: 10 });
    t.deepEqual(ids(after), ids(before));
    after.forEach((hit, i) => t.true(Math.abs(hit.score - before[i]!.score) < 1e-5));

    // The id mapping survived: removing and upserting by id still work on the loaded index.
    await second.remove(['v2', 'v5']);
    t.false(ids(await second.search(q, { limit: 10 })).some((id) => id === 'v2' || id === 'v5'));
    await second.upsert([{ id: 'v0', vector: q }]);
    t.is(ids(await second.search(q, { limit: 1 }))[0], 'v0');
    t.is(second.size(), first.size() - 1);

    t.false(await (await open(t)).load!(await tempDir(t)), 'a directory without an index loads nothing');
  });

  test(title('an empty index persists and loads as empty, and takes vectors afterwards'), async (t) => {
    const dir = await tempDir(t);
    const empty = await open(t);
    await empty.persist!(dir);
    const loaded = await open(t);
    await loaded.upsert(known);
    t.true(await loaded.load!(dir), 'loading replaces what the backend held');
    t.is(loaded.size(), 0);
    t.deepEqual(await loaded.search(query, { limit: 3 }), []);
    await loaded.upsert([{ id: 'new', vector: vec(1, 2) }]);
    t.deepEqual(ids(await loaded.search(vec(1, 2), { limit: 3 })), ['new']);
  });

  test(title('an aborted signal rejects and changes nothing'), async (t) => {
    const backend = await open(t);
    await backend.upsert(known);
    const signal = AbortSignal.abort(new Error('stop'));
    await t.throwsAsync(backend.upsert([{ id: 'z', vector: vec(1, 1, 1, 1) }], { signal }), { message: 'stop' });
    await t.throwsAsync(backend.remove(['a'], { signal }), { message: 'stop' });
    await t.throwsAsync(backend.search(query, { limit: 3, signal }), { message: 'stop' });
    t.is(backend.size(), 5);
  });

  test(title(`recall@10 on 1,000 random vectors is ${subject.exact ? '1 (exact)' : 'at least 0.9'}`), async (t) => {
    const backend = await open(t);
    const records = randomRecords(1000, 32, 42);
    await backend.upsert(records);
    const queries = randomRecords(100, 32, 4242);
    let found = 0;
    for (const q of queries) {
      const truth = new Set(ids(bruteForce(records, q.vector, 10)));
      const hits = await backend.search(q.vector, { limit: 10 });
      t.is(hits.length, 10);
      found += hits.filter((h) => truth.has(h.id)).length;
    }
    const recall = found / (queries.length * 10);
    t.log(`recall@10 = ${recall}`);
    if (subject.exact) t.is(recall, 1);
    else t.true(recall >= 0.9, `recall@10 ${recall} < 0.9`);
  });
}
