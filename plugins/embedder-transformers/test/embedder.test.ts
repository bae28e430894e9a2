import { rm, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { ErrorCodes, isPluginError, pluginId } from '@localmcp/plugin-api';
import plugin, { TransformersEmbedderOptionsSchema } from '../src/index.js';
import { testContext } from './helpers/context.js';
import { loadEmbedder } from './helpers/load.js';
import {
  TEST_HIDDEN_SIZE,
  TOKENIZER_DIR,
  cosine,
  expectedEmbedding,
  norm,
  readVocabulary,
  removeModelFolders,
  testModel,
  writeModelFolder,
} from './helpers/model-folder.js';

test.after.always(removeModelFolders);

const TEXTS = ['search open issues', 'find open issues', 'weather forecast tomorrow'];

function assertClose(t: ExecutionContext, actual: Float32Array, expected: Float32Array, tolerance = 1e-5) {
  t.is(actual.length, expected.length);
  const worst = Math.max(...actual.map((x, i) => Math.abs(x - expected[i]!)));
  t.true(worst <= tolerance, `largest difference ${worst} > ${tolerance}`);
}

test('the test tokenizer is the real one from the shared models folder', async (t) => {
  // ../shared next to the repository root (/work/main -> /work/shared/models/...).
  const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
  t.is(TOKENIZER_DIR, join(dirname(repositoryRoot), 'shared', 'models', 'all-MiniLM-L6-v2-tokenizer') + sep);
  t.is((await readVocabulary()).size, 30522);
});

test('the default export is the embedder:transformers plugin, and the options have documented defaults', (t) => {
  t.is(pluginId(plugin), 'embedder:transformers');
  const parsed = TransformersEmbedderOptionsSchema.parse({});
  t.deepEqual(parsed, {
    model: 'Xenova/all-MiniLM-L6-v2',
    quantized: true,
    pooling: 'mean',
    normalize: true,
    batchSize: 32,
    allowRemote: false,
  });
  t.false(TransformersEmbedderOptionsSchema.safeParse({ modelpath: '/x' }).success, 'unknown keys are refused');
  t.false(TransformersEmbedderOptionsSchema.safeParse({ model: '../../etc' }).success);
  t.false(TransformersEmbedderOptionsSchema.safeParse({ pooling: 'max' }).success);
  t.false(TransformersEmbedderOptionsSchema.safeParse({ batchSize: 0 }).success);
});

test('loads a model folder through the plugin: id, dimensions and the vectors the model defines', async (t) => {
  const modelPath = await writeModelFolder();
  const ctx = testContext();
  const embedder = await loadEmbedder({ modelPath }, ctx);
  t.teardown(() => embedder.close?.());
  t.is(embedder.id, 'transformers:Xenova/all-MiniLM-L6-v2:quantized');
  t.is(embedder.dimensions, TEST_HIDDEN_SIZE);
  t.true(ctx.logs.some((l) => l.message === 'embedding model loaded'));

  // Real tokenizer ([CLS] words [SEP]), the quantized table, mean pooling and L2 normalisation, computed by hand.
  const [model, vocabulary] = await Promise.all([testModel(true), readVocabulary()]);
  const vectors = await embedder.embed(TEXTS);
  t.is(vectors.length, TEXTS.length);
  for (const [i, text] of TEXTS.entries()) {
    t.true(vectors[i] instanceof Float32Array);
    assertClose(t, vectors[i]!, expectedEmbedding(model, vocabulary, text.split(' ')));
  }
  // Upper case and punctuation go through the real BERT normaliser and pre-tokeniser.
  assertClose(
    t,
    (await embedder.embed(['Search OPEN issues!']))[0]!,
    expectedEmbedding(model, vocabulary, ['search', 'open', 'issues', '!']),
  );
});

test('vectors are deterministic, unit length, and texts sharing tokens are closer', async (t) => {
  const modelPath = await writeModelFolder();
  const first = await loadEmbedder({ modelPath });
  const second = await loadEmbedder({ modelPath });
  t.teardown(() => Promise.all([first.close?.(), second.close?.()]));
  const [a, b, c] = await first.embed(TEXTS);
  t.deepEqual(await first.embed(TEXTS), [a!, b!, c!], 'same embedder, same vectors');
  t.deepEqual(await second.embed(TEXTS), [a!, b!, c!], 'another instance, same vectors');
  for (const v of [a!, b!, c!]) t.true(Math.abs(norm(v) - 1) < 1e-5);
  // a and b share [CLS] open issues [SEP]; a and c only [CLS] and [SEP].
  t.true(cosine(a!, b!) > cosine(a!, c!) + 0.2, `${cosine(a!, b!)} vs ${cosine(a!, c!)}`);
  t.deepEqual(await first.embed([]), []);
});

test('batches give the same vectors as one text at a time', async (t) => {
  const modelPath = await writeModelFolder();
  const ctx = testContext();
  const batched = await loadEmbedder({ modelPath, batchSize: 2 }, ctx);
  const single = await loadEmbedder({ modelPath, batchSize: 1 });
  t.teardown(() => Promise.all([batched.close?.(), single.close?.()]));
  // Different lengths, so each batch is padded: padding must not change any vector.
  const texts = ['a', 'list the files in the repository', 'read file', '', 'create pull requests for open issues'];
  const together = await batched.embed(texts);
  t.is(ctx.metricsSeen.filter((m) => m.name === 'texts_embedded').length, 3, 'five texts in batches of two');
  t.deepEqual(
    ctx.metricsSeen.filter((m) => m.name === 'texts_embedded').map((m) => m.value),
    [2, 2, 1],
  );
  const oneByOne = [];
  for (const text of texts) oneByOne.push(...(await single.embed([text])));
  for (const [i, vector] of together.entries()) assertClose(t, vector, oneByOne[i]!, 1e-6);
});

test('quantized: false loads onnx/model.onnx, with its own id and vectors', async (t) => {
  const modelPath = await writeModelFolder({ weights: ['fp32'] });
  const embedder = await loadEmbedder({ modelPath, quantized: false });
  t.teardown(() => embedder.close?.());
  t.is(embedder.id, 'transformers:Xenova/all-MiniLM-L6-v2');
  const [model, vocabulary] = await Promise.all([testModel(false), readVocabulary()]);
  const [vector] = await embedder.embed(['read file']);
  assertClose(t, vector!, expectedEmbedding(model, vocabulary, ['read', 'file']));
  // The fp32 table is not the dequantized one, so these are really the other weights.
  const quantized = expectedEmbedding(await testModel(true), vocabulary, ['read', 'file']);
  t.true(Math.max(...vector!.map((x, i) => Math.abs(x - quantized[i]!))) > 1e-4);
});

test('pooling: cls takes the [CLS] vector; normalize: false keeps the raw mean; both change the id', async (t) => {
  const modelPath = await writeModelFolder();
  const cls = await loadEmbedder({ modelPath, pooling: 'cls' });
  const raw = await loadEmbedder({ modelPath, normalize: false });
  t.teardown(() => Promise.all([cls.close?.(), raw.close?.()]));
  t.is(cls.id, 'transformers:Xenova/all-MiniLM-L6-v2:quantized:cls');
  t.is(raw.id, 'transformers:Xenova/all-MiniLM-L6-v2:quantized:unnormalized');
  const [model, vocabulary] = await Promise.all([testModel(true), readVocabulary()]);
  const clsRow = model.row(vocabulary.get('[CLS]')!);
  const clsUnit = clsRow.map((x) => x / norm(clsRow));
  // The test model has no attention, so [CLS] comes out the same whatever follows it.
  for (const vector of await cls.embed(TEXTS)) assertClose(t, vector, clsUnit);
  const [mean] = await raw.embed(['read file']);
  assertClose(t, mean!, expectedEmbedding(model, vocabulary, ['read', 'file'], { normalize: false }));
  t.true(Math.abs(norm(mean!) - 1) > 0.01);
});

test('an aborted signal stops before the next batch, with the caller’s reason', async (t) => {
  const modelPath = await writeModelFolder();
  const controller = new AbortController();
  const reason = new Error('the client went away');
  let batches = 0;
  const ctx = testContext({
    onMetric: (m) => {
      if (m.name === 'texts_embedded' && ++batches === 1) controller.abort(reason);
    },
  });
  const embedder = await loadEmbedder({ modelPath, batchSize: 1 }, ctx);
  t.teardown(() => embedder.close?.());
  const error = await t.throwsAsync(embedder.embed(TEXTS, { signal: controller.signal }));
  t.is(error, reason);
  t.is(batches, 1, 'aborted after the first of three batches');
  await t.throwsAsync(embedder.embed(['x'], { signal: AbortSignal.abort(reason) }), { is: reason });
  t.is(batches, 1, 'an already aborted signal runs nothing');
  t.is((await embedder.embed(['x'])).length, 1, 'the embedder still works afterwards');
});

test('the gateway’s shutdown signal (ctx.signal) stops embedding too', async (t) => {
  const modelPath = await writeModelFolder();
  const shutdown = new AbortController();
  const embedder = await loadEmbedder({ modelPath }, testContext({ signal: shutdown.signal }));
  t.teardown(() => embedder.close?.());
  t.is((await embedder.embed(['x'])).length, 1);
  shutdown.abort(new Error('localmcp is shutting down'));
  await t.throwsAsync(embedder.embed(['x']), { message: 'localmcp is shutting down' });
});

test('close() lets the calls already started finish, then later calls fail clearly', async (t) => {
  const modelPath = await writeModelFolder();
  const embedder = await loadEmbedder({ modelPath, batchSize: 1 });
  const running = embedder.embed(TEXTS);
  await Promise.all([embedder.close?.(), embedder.close?.()]);
  t.is((await running).length, TEXTS.length, 'all three batches ran before the session was released');
  const error = await t.throwsAsync(embedder.embed(['x']));
  t.true(isPluginError(error));
  t.is(error?.message, '[plugin embedder:transformers] embed: the embedder is closed');
});

test('a missing model folder fails in create with where to put which files', async (t) => {
  const modelPath = join(await writeModelFolder(), 'not-there');
  const error = await t.throwsAsync(loadEmbedder({ modelPath }));
  t.true(isPluginError(error));
  t.like(error, { code: ErrorCodes.PLUGIN_HOOK_FAILED, plugin: 'embedder:transformers', hook: 'create' });
  t.regex(error!.message, /^\[plugin embedder:transformers\] create: modelPath \S+not-there is not a folder; put /);
  t.regex(error!.message, /config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model_quantized\.onnx/);
  t.regex(error!.message, /sha256 afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1/);
  t.regex(error!.message, /https:\/\/huggingface\.co\/Xenova\/all-MiniLM-L6-v2/);
});

test('a folder with missing files names them, and points at the other weights when those are there', async (t) => {
  const modelPath = await writeModelFolder({ weights: ['fp32'] });
  await rm(join(modelPath, 'tokenizer.json'));
  const error = await t.throwsAsync(loadEmbedder({ modelPath }));
  t.true(isPluginError(error));
  t.regex(
    error!.message,
    /has no tokenizer\.json, onnx\/model_quantized\.onnx; it has onnx\/model\.onnx: set quantized: false to use that;/,
  );
});

test('a broken weights file fails in create naming the model and folder', async (t) => {
  const modelPath = await writeModelFolder();
  await writeFile(join(modelPath, 'onnx', 'model_quantized.onnx'), 'not an onnx model');
  const error = await t.throwsAsync(loadEmbedder({ modelPath }));
  t.true(isPluginError(error));
  t.like(error, { hook: 'create' });
  t.true(
    error!.message.startsWith(
      `[plugin embedder:transformers] create: could not load model Xenova/all-MiniLM-L6-v2 from ${modelPath}: `,
    ),
  );
});

test('a model without last_hidden_state fails in create, saying what a feature-extraction model outputs', async (t) => {
  const modelPath = await writeModelFolder({ outputName: 'logits_of_nothing' });
  const error = await t.throwsAsync(loadEmbedder({ modelPath }));
  t.true(isPluginError(error));
  t.like(error, { hook: 'create' });
  t.regex(
    error!.message,
    /create: the model failed on a first text \(a feature-extraction model outputs last_hidden_state/,
  );
});
