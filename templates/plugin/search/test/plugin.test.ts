import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext, instantiatePlugin } from '@localmcp/plugin-api';
import type { SearchBackend } from '@localmcp/plugin-api';
import plugin from '../src/index.js';

const vec = (...values: number[]) => Float32Array.from(values);

/** The backend the way the gateway creates it: options validated by the plugin's schema, then its factory. */
function create(options: object = {}): Promise<SearchBackend> {
  return instantiatePlugin(plugin, 'search', options, createTestContext('{{id}}'));
}

test('ranks by cosine similarity, best first, and honours the limit', async () => {
  const backend = await create();
  await backend.upsert([
    { id: 'notes__add', vector: vec(1, 0, 0) },
    { id: 'notes__list', vector: vec(0.7, 0.7, 0) },
    { id: 'time__now', vector: vec(0, 0, 1) },
  ]);
  const hits = await backend.search(vec(2, 0.2, 0), { limit: 2 });
  assert.deepEqual(
    hits.map((h) => h.id),
    ['notes__add', 'notes__list'],
  );
  assert.ok(Math.abs(hits[0]!.score - 1 / Math.hypot(1, 0.1)) < 1e-6, 'the score is the cosine');
  assert.equal(backend.size(), 3);
});

test('filter, remove and replace', async () => {
  const backend = await create();
  await backend.upsert([
    { id: 'a__x', vector: vec(1, 0) },
    { id: 'b__x', vector: vec(1, 0.1) },
  ]);
  const filtered = await backend.search(vec(1, 0), { limit: 5, filter: (id) => id.startsWith('b__') });
  assert.deepEqual(
    filtered.map((h) => h.id),
    ['b__x'],
  );
  await backend.remove(['b__x', 'unknown']);
  await backend.upsert([{ id: 'a__x', vector: vec(0, 1) }]);
  assert.deepEqual(await backend.search(vec(0, 1), { limit: 5 }), [{ id: 'a__x', score: 1 }]);
});

test('an empty index or an unmatched query is an empty result; a wrong dimension is an error', async () => {
  const backend = await create({ minScore: 0.5 });
  assert.deepEqual(await backend.search(vec(1, 0), { limit: 5 }), []);
  await backend.upsert([{ id: 'a__x', vector: vec(1, 0) }]);
  assert.deepEqual(await backend.search(vec(0, 1), { limit: 5 }), [], 'below minScore');
  await assert.rejects(backend.search(vec(1, 0, 0), { limit: 5 }), /dimensions/);
  await assert.rejects(backend.upsert([{ id: 'b__x', vector: vec(1, 0, 0) }]), /dimensions/);
  assert.equal(backend.size(), 1, 'a bad batch changes nothing');
});

test('an aborted signal stops a hook; invalid options are refused', async () => {
  const backend = await create();
  const aborted = AbortSignal.abort();
  await assert.rejects(backend.upsert([{ id: 'a', vector: vec(1) }], { signal: aborted }));
  await assert.rejects(create({ minScore: 2 }), /minScore/);
});
