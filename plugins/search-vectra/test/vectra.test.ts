import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  createSearchBackend,
  randomRecords,
  searchBackendConformance,
  vec,
} from '../../../test/helpers/search-backend-conformance.js';
import vectraPlugin, { VectraOptionsSchema } from '../src/index.js';
import type { VectraSearchBackend } from '../src/index.js';

searchBackendConformance({ name: 'search:vectra', exact: true, create: () => createSearchBackend(vectraPlugin) });

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-vectra-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('options: path is optional; unknown keys are refused', (t) => {
  t.deepEqual(VectraOptionsSchema.parse({}), {});
  t.deepEqual(VectraOptionsSchema.parse({ path: 'idx' }), { path: 'idx' });
  t.false(VectraOptionsSchema.safeParse({ pth: 'idx' }).success);
  t.false(VectraOptionsSchema.safeParse({ path: '' }).success);
});

test('with a path, the index is on disk after every change and survives a restart without persist()', async (t) => {
  const path = join(await tempDir(t), 'tools');
  const first = await createSearchBackend(vectraPlugin, { path });
  await first.upsert(randomRecords(20, 5, 1));
  await first.remove(['v3']);
  const stored = JSON.parse(await readFile(join(path, 'index.json'), 'utf8')) as { items: Array<{ id: string }> };
  t.is(stored.items.length, 19, "vectra's own file holds the vectors");
  await first.close!();
  t.true(existsSync(join(path, 'index.json')), 'close() keeps a configured folder');

  const second = await createSearchBackend(vectraPlugin, { path });
  t.is(second.size(), 19);
  const q = randomRecords(20, 5, 1)[7]!.vector;
  t.is((await second.search(q, { limit: 1 }))[0]?.id, 'v7');
  await t.throwsAsync(second.upsert([{ id: 'x', vector: vec(1, 2) }]), { message: /dimension/ });
  await second.persist!(path); // its own folder: nothing to copy
  t.is(second.size(), 19);
});

test('without a path the index lives in a temporary folder that close() removes', async (t) => {
  const backend = (await createSearchBackend(vectraPlugin)) as VectraSearchBackend;
  await backend.upsert([{ id: 'a', vector: vec(1, 0) }]);
  t.true(existsSync(join(backend.folder, 'index.json')));
  await backend.close();
  t.false(existsSync(backend.folder));
});

test('overlapping updates are applied one after another, none refused', async (t) => {
  const backend = await createSearchBackend(vectraPlugin);
  t.teardown(() => backend.close?.());
  const records = randomRecords(30, 4, 2);
  await Promise.all(records.map((r) => backend.upsert([r])));
  t.is(backend.size(), 30);
  await Promise.all([backend.remove(['v1']), backend.upsert([{ id: 'v1', vector: vec(1, 1, 1, 1) }])]);
  t.is((await backend.search(vec(1, 1, 1, 1), { limit: 1 }))[0]?.id, 'v1', 'queued in call order');
});

test('load() checks the index first: an unreadable one is an error naming it and the live index is kept', async (t) => {
  const backend = await createSearchBackend(vectraPlugin);
  t.teardown(() => backend.close?.());
  await backend.upsert([{ id: 'keep', vector: vec(0, 1) }]);
  const bad = await tempDir(t);
  await mkdir(bad, { recursive: true });
  await writeFile(join(bad, 'index.json'), '{ "version": 1, "items": [');
  const error = await t.throwsAsync(backend.load!(bad));
  t.true(error.message.includes(bad));
  t.regex(error.message, /cannot be read/);
  t.is(backend.size(), 1);
  t.is((await backend.search(vec(0, 1), { limit: 1 }))[0]?.id, 'keep');
});
