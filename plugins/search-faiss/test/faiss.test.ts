import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  bruteForce,
  createSearchBackend,
  randomRecords,
  searchBackendConformance,
} from '../../../test/helpers/search-backend-conformance.js';
import faissPlugin, { BUILT_ADDON, FaissOptionsSchema, loadFaiss } from '../src/index.js';

searchBackendConformance({ name: 'search:faiss', exact: true, create: () => createSearchBackend(faissPlugin) });

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-faiss-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('the addon built from faiss-node against the system libfaiss is the one loaded', (t) => {
  t.true(existsSync(BUILT_ADDON), `${BUILT_ADDON} was built by npm ci (native/build.mjs)`);
  const faiss = loadFaiss();
  const index = new faiss.IndexFlatIP(2);
  index.add([1, 0, 0, 1]);
  t.deepEqual(index.search([1, 0], 2), { distances: [1, 0], labels: [0, 1] });
});

test('a faiss exception is a JavaScript error, not a process abort', (t) => {
  const index = new (loadFaiss().IndexFlatIP)(2);
  // faiss-node does not catch faiss errors in write(); the build turns them into Errors.
  t.throws(() => index.write('/nonexistent-dir/x.index'), { message: /could not open|No such file/i });
});

test('options: overFetch defaults to 4; unknown keys are refused', (t) => {
  t.deepEqual(FaissOptionsSchema.parse({}), { overFetch: 4 });
  t.false(FaissOptionsSchema.safeParse({ overfetch: 2 }).success);
  t.false(FaissOptionsSchema.safeParse({ overFetch: 0 }).success);
});

test('a filter that rejects the nearest vectors still gets the nearest accepted ones (fetching more)', async (t) => {
  const backend = await createSearchBackend(faissPlugin, { overFetch: 1 });
  const records = randomRecords(500, 16, 21);
  await backend.upsert(records);
  const q = records[0]!.vector;
  const farthest = new Set(
    bruteForce(records, q, 500)
      .slice(-3)
      .map((h) => h.id),
  );
  const accept = (id: string) => farthest.has(id);
  const hits = await backend.search(q, { limit: 5, filter: accept });
  t.deepEqual(
    hits.map((h) => h.id),
    bruteForce(records, q, 5, accept).map((h) => h.id),
  );
  t.is(hits.length, 3, 'only three ids are accepted');
});

test('persist writes one index file and a manifest; a manifest that disagrees with the file is refused', async (t) => {
  const dir = await tempDir(t);
  const backend = await createSearchBackend(faissPlugin);
  await backend.upsert(randomRecords(12, 4, 3));
  await backend.persist!(dir);
  await backend.remove(['v1']);
  await backend.persist!(dir);
  const files = await readdir(dir);
  t.is(files.length, 2, files.join(', '));
  t.true(files.includes('faiss-index.json'));
  t.is(files.filter((f) => /^faiss-[0-9a-f-]+\.index$/.test(f)).length, 1, 'the older index file is gone');

  const manifestPath = join(dir, 'faiss-index.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { ids: string[] };
  t.is(manifest.ids.length, 11);
  await writeFile(manifestPath, JSON.stringify({ ...manifest, ids: manifest.ids.slice(1) }));
  const error = await t.throwsAsync((await createSearchBackend(faissPlugin)).load!(dir));
  t.regex(error.message, /corrupt: .* holds 11 vectors of 4 dimensions, its manifest 10 of 4/);
});
