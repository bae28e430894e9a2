import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext, instantiatePlugin } from '@localmcp/plugin-api';
import type { Embedder } from '@localmcp/plugin-api';
import plugin from '../src/index.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

/** The embedder the way the gateway creates it: options validated by the plugin's schema, then its factory. */
function create(options: object = {}, ctx = createTestContext('{{id}}')): Promise<Embedder> {
  return instantiatePlugin(plugin, 'embedder', options, ctx);
}

test('one normalised vector of `dimensions` numbers per text, in order, the same for the same text', async () => {
  const embedder = await create({ dimensions: 64 });
  const [a, b, again] = await embedder.embed(['add a note', 'list my notes', 'add a note']);
  assert.equal(embedder.dimensions, 64);
  assert.equal(a!.length, 64);
  assert.ok(Math.abs(cosine(a!, a!) - 1) < 1e-6, 'L2-normalised');
  assert.deepEqual(again, a);
  assert.notDeepEqual(b, a);
});

test('related texts are closer than unrelated ones', async () => {
  const embedder = await create();
  const [query, related, unrelated] = await embedder.embed([
    'create a new note',
    'add a note to the notebook',
    'current time in Tokyo',
  ]);
  assert.ok(cosine(query!, related!) > cosine(query!, unrelated!));
});

test('the id names every setting that changes the vectors; metrics are recorded', async () => {
  const ctx = createTestContext('{{id}}');
  const small = await create({ dimensions: 32 }, ctx);
  const large = await create({ dimensions: 128 });
  assert.notEqual(small.id, large.id);
  await small.embed(['a', 'b']);
  assert.deepEqual(ctx.metricsSeen, [{ type: 'increment', name: 'texts_embedded', value: 2 }]);
});

test('an aborted signal stops embed(); invalid options are refused', async () => {
  const embedder = await create();
  await assert.rejects(embedder.embed(['x'], { signal: AbortSignal.abort() }));
  await assert.rejects(create({ dimensions: 3 }), /dimensions/);
});
