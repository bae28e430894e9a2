import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { ExactIndex } from '../../../server/discovery/vector/exact-index.js';
import exactPlugin, { ExactOptionsSchema } from '../../../server/discovery/vector/builtin-plugin.js';
import { TopK } from '../../../server/discovery/vector/top-k.js';
import { builtinPluginCandidates, loadPlugins } from '../../../server/plugins/index.js';
import {
  bruteForce,
  createSearchBackend,
  randomRecords,
  searchBackendConformance,
  seededNormal,
  vec,
} from '../../helpers/search-backend-conformance.js';

searchBackendConformance({ name: 'search:exact', exact: true, create: () => createSearchBackend(exactPlugin) });

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-exact-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('the built-in plugin loads through the same loader as third-party plugins', async (t) => {
  const [candidate] = builtinPluginCandidates();
  t.is(candidate?.entry, fileURLToPath(new URL('../../../server/discovery/vector/builtin-plugin.ts', import.meta.url)));
  const registry = await loadPlugins(builtinPluginCandidates(), {
    logger: silent,
    used: ['search:exact'],
    options: { 'search:exact': { initialCapacity: 2 } },
  });
  t.teardown(() => registry.close());
  // The other built-ins (the elastic and classic breakers) are found too, and left uncreated: not used.
  t.deepEqual(
    registry.statuses().map((s) => [s.id, s.status]),
    [
      ['search:exact', 'loaded'],
      ['breaker:elastic', 'available'],
      ['breaker:classic', 'available'],
    ],
  );
  const backend = registry.get('search', 'exact')!;
  await backend.upsert([{ id: 'one', vector: vec(1, 0) }]);
  t.deepEqual(await backend.search(vec(1, 0), { limit: 1 }), [{ id: 'one', score: 1 }]);
});

test('options: defaults apply, unknown or invalid keys are refused', (t) => {
  t.deepEqual(ExactOptionsSchema.parse({}), { initialCapacity: 1024 });
  t.false(ExactOptionsSchema.safeParse({ initialCapacity: 0 }).success);
  t.false(ExactOptionsSchema.safeParse({ initalCapacity: 10 }).success, 'a misspelt key is an error, not ignored');
});

test('random upserts, replacements and removals match a brute-force model (growth and swap-removal)', async (t) => {
  const index = new ExactIndex({ initialCapacity: 1 });
  const model = new Map<string, Float32Array>();
  const normal = seededNormal(3);
  const pick = () => `id${Math.floor(Math.abs(normal()) * 60)}`;
  for (let step = 0; step < 400; step++) {
    if (normal() > -0.5) {
      const records = Array.from({ length: 1 + (step % 4) }, () => ({
        id: pick(),
        vector: Float32Array.from({ length: 6 }, normal),
      }));
      await index.upsert(records);
      for (const r of records) model.set(r.id, r.vector);
    } else {
      const gone = [pick(), pick()];
      await index.remove(gone);
      for (const id of gone) model.delete(id);
    }
    t.is(index.size(), model.size);
  }
  const records = [...model].map(([id, vector]) => ({ id, vector }));
  for (const q of randomRecords(20, 6, 8)) {
    const hits = await index.search(q.vector, { limit: 7 });
    const expected = bruteForce(records, q.vector, 7);
    t.deepEqual(
      hits.map((h) => h.id),
      expected.map((h) => h.id),
    );
  }
});

test('the filter is asked only about rows that would make the top k', async (t) => {
  const index = new ExactIndex();
  // Ascending similarity to the query: each row beats the last, so every one is asked about...
  const rising = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, vector: vec(i + 1, 50 - i) }));
  await index.upsert(rising);
  let asked = 0;
  await index.search(vec(1, 0), { limit: 3, filter: () => (asked++, true) });
  t.is(asked, 50);
  // ...while in descending order only the first three are: nothing after them can get in.
  const falling = new ExactIndex();
  await falling.upsert([...rising].reverse());
  asked = 0;
  const hits = await falling.search(vec(1, 0), { limit: 3, filter: () => (asked++, true) });
  t.is(asked, 3);
  t.deepEqual(
    hits.map((h) => h.id),
    ['r49', 'r48', 'r47'],
  );
});

test('persist writes a manifest and one vectors file; older vectors files are removed', async (t) => {
  const dir = await tempDir(t);
  const index = new ExactIndex();
  await index.upsert(randomRecords(10, 3, 1));
  await index.persist(dir);
  await index.remove(['v0']);
  await index.persist(dir);
  const files = (await readdir(dir)).sort();
  t.is(files.length, 2, files.join(', '));
  t.is(files[0], 'exact-index.json');
  t.regex(files[1]!, /^vectors-[0-9a-f-]+\.f32$/);
  const manifest = JSON.parse(await readFile(join(dir, 'exact-index.json'), 'utf8')) as { ids: string[] };
  t.is(manifest.ids.length, 9);
  t.is((await readFile(join(dir, files[1]!))).byteLength, 9 * 3 * 4);
});

test('load refuses a corrupt or tampered index with a message naming the directory', async (t) => {
  const dir = await tempDir(t);
  const index = new ExactIndex();
  await index.upsert(randomRecords(4, 3, 1));
  await index.persist(dir);
  const manifestPath = join(dir, 'exact-index.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;

  await writeFile(manifestPath, JSON.stringify({ ...manifest, vectors: '../../etc/passwd' }));
  await t.throwsAsync(new ExactIndex().load(dir), { message: /corrupt: exact-index\.json names no vectors file/ });

  await writeFile(manifestPath, JSON.stringify({ ...manifest, ids: ['a', 'b', 'c'] }));
  const short = await t.throwsAsync(new ExactIndex().load(dir));
  t.true(short.message.includes(dir));
  t.regex(short.message, /has 48 bytes, expected 36/);

  await writeFile(manifestPath, '{ not json');
  await t.throwsAsync(new ExactIndex().load(dir), { message: /is not JSON/ });
});

test('TopK keeps the k best scores, best first', (t) => {
  const top = new TopK(3);
  for (const [row, score] of [
    [0, 0.1],
    [1, 0.9],
    [2, -1],
    [3, 0.5],
    [4, 0.95],
    [5, 0.5],
  ] as const) {
    top.offer(row, score);
  }
  t.false(top.admits(0.5), 'a tie with the worst kept score does not get in');
  t.true(top.admits(0.51));
  t.deepEqual(top.drain(), [
    { row: 4, score: 0.95 },
    { row: 1, score: 0.9 },
    { row: 3, score: 0.5 },
  ]);
  t.is(top.size, 0);
  t.deepEqual(new TopK(0).drain(), []);
  t.false(new TopK(0).admits(1));
});
