import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  bruteForce,
  createSearchBackend,
  randomRecords,
  searchBackendConformance,
  seededNormal,
} from '../../../test/helpers/search-backend-conformance.js';
import hnswPlugin, { HnswOptionsSchema } from '../src/index.js';

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-hnsw-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

searchBackendConformance({ name: 'search:hnsw', exact: false, create: () => createSearchBackend(hnswPlugin) });

test('options: defaults apply; unknown keys and out-of-range values are refused', (t) => {
  t.deepEqual(HnswOptionsSchema.parse({}), { m: 16, efConstruction: 200, efSearch: 64, initialCapacity: 1024 });
  t.false(HnswOptionsSchema.safeParse({ efsearch: 100 }).success, 'a misspelt key is an error');
  t.false(HnswOptionsSchema.safeParse({ m: 1 }).success);
  t.is(hnswPlugin.name, 'hnsw');
  t.is(hnswPlugin.kind, 'search');
});

test('the graph grows past its initial capacity, and removed slots are reused', async (t) => {
  const backend = await createSearchBackend(hnswPlugin, { initialCapacity: 2 });
  const records = randomRecords(300, 8, 5);
  await backend.upsert(records.slice(0, 150));
  await backend.upsert(records.slice(150));
  t.is(backend.size(), 300);
  for (const q of records.slice(0, 20)) {
    t.is((await backend.search(q.vector, { limit: 1 }))[0]?.id, q.id, 'each vector finds itself');
  }

  // Churn: remove half, add as many new ones, many times over; the live set must stay searchable and exact-ish.
  const live = new Map(records.map((r) => [r.id, r]));
  const normal = seededNormal(9);
  for (let round = 0; round < 5; round++) {
    const gone = [...live.keys()].filter((_, i) => i % 2 === round % 2);
    await backend.remove(gone);
    for (const id of gone) live.delete(id);
    const fresh = Array.from({ length: gone.length }, (_, i) => ({
      id: `r${round}-${i}`,
      vector: Float32Array.from({ length: 8 }, normal),
    }));
    await backend.upsert(fresh);
    for (const r of fresh) live.set(r.id, r);
    t.is(backend.size(), live.size);
  }
  let found = 0;
  const queries = randomRecords(30, 8, 77);
  for (const q of queries) {
    const truth = new Set(bruteForce([...live.values()], q.vector, 10).map((h) => h.id));
    const hits = await backend.search(q.vector, { limit: 10 });
    t.true(
      hits.every((h) => live.has(h.id)),
      'no removed id comes back',
    );
    found += hits.filter((h) => truth.has(h.id)).length;
  }
  t.true(found / (queries.length * 10) >= 0.9, `recall after churn: ${found / (queries.length * 10)}`);

  // hnswlib's file holds every slot, deleted ones included: after 750 removals and 750 inserts it must be about
  // the size of a fresh index of the live vectors, not 3.5 times that.
  const dir = await tempDir(t);
  await backend.persist!(dir);
  await backend.persist!(dir);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bin'));
  t.is(files.length, 1, 'persisting again replaces the index file');
  const fresh = await createSearchBackend(hnswPlugin);
  await fresh.upsert([...live.values()]);
  const freshDir = await tempDir(t);
  await fresh.persist!(freshDir);
  const size = async (d: string) =>
    (
      await stat(
        join(
          d,
          (await readdir(d)).find((f) => f.endsWith('.bin'))!,
        ),
      )
    ).size;
  t.true((await size(dir)) < 1.2 * (await size(freshDir)), 'removed slots were reused');

  // The reloaded index keeps its mapping and its deleted slots.
  const loaded = await createSearchBackend(hnswPlugin, { initialCapacity: 2 });
  t.true(await loaded.load!(dir));
  t.is(loaded.size(), live.size);
  await loaded.remove(['r4-0']);
  await loaded.upsert([{ id: 'again', vector: queries[0]!.vector }]);
  t.is((await loaded.search(queries[0]!.vector, { limit: 1 }))[0]?.id, 'again');
});
