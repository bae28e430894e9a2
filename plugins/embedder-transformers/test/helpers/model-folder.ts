import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTokenEmbeddingModel } from './onnx.js';
import type { TokenEmbeddingModel } from './onnx.js';

/**
 * The real tokenizer and config of Xenova/all-MiniLM-L6-v2, kept outside the repository in ../shared/models (its
 * weights cannot be had offline; see that folder's README). Never copied into the repository: tests copy it into
 * temporary model folders.
 */
export const TOKENIZER_DIR = fileURLToPath(
  new URL('../../../../../shared/models/all-MiniLM-L6-v2-tokenizer/', import.meta.url),
);

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt'];

/** The vector length of the test model: small, so building and loading it takes milliseconds. */
export const TEST_HIDDEN_SIZE = 32;

/** The WordPiece vocabulary: token -> id (the line number in vocab.txt, from 0). */
export async function readVocabulary(): Promise<Map<string, number>> {
  const lines = (await readFile(join(TOKENIZER_DIR, 'vocab.txt'), 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  return new Map(lines.map((token, id) => [token, id]));
}

const temporary: string[] = [];

/** A fresh temporary folder, removed by {@link removeModelFolders}. */
export async function tempFolder(prefix = 'localmcp-embedder-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** Removes every folder made by this module (register with `test.after.always`). */
export async function removeModelFolders(): Promise<void> {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Models built once per process: building the 30522-row table is the slow part. */
const built = new Map<string, TokenEmbeddingModel>();

/** The test model for `quantized`, built on first use. */
export async function testModel(quantized: boolean): Promise<TokenEmbeddingModel> {
  const key = String(quantized);
  let model = built.get(key);
  if (!model) {
    const vocabulary = await readVocabulary();
    model = buildTokenEmbeddingModel({ vocabSize: vocabulary.size, hidden: TEST_HIDDEN_SIZE, quantized });
    built.set(key, model);
  }
  return model;
}

/**
 * Writes a model folder as transformers.js reads it: the real tokenizer files, the real config.json with
 * `hidden_size` set to the test model's, and `onnx/model_quantized.onnx` and/or `onnx/model.onnx`. With `into`,
 * writes there (e.g. `<cacheDir>/Xenova/all-MiniLM-L6-v2`); otherwise into a new temporary folder.
 */
export async function writeModelFolder(
  options: { weights?: Array<'quantized' | 'fp32'>; into?: string; outputName?: string } = {},
): Promise<string> {
  if (!existsSync(join(TOKENIZER_DIR, 'tokenizer.json'))) {
    throw new Error(`the tokenizer of all-MiniLM-L6-v2 is expected in ${TOKENIZER_DIR} (the shared models folder)`);
  }
  const dir = options.into ?? (await tempFolder('localmcp-model-'));
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await Promise.all(TOKENIZER_FILES.map((file) => copyFile(join(TOKENIZER_DIR, file), join(dir, file))));
  const config = JSON.parse(await readFile(join(TOKENIZER_DIR, 'config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, hidden_size: TEST_HIDDEN_SIZE }, null, 2));
  for (const weights of options.weights ?? ['quantized']) {
    const model =
      options.outputName === undefined
        ? await testModel(weights === 'quantized')
        : buildTokenEmbeddingModel({
            vocabSize: (await readVocabulary()).size,
            hidden: TEST_HIDDEN_SIZE,
            quantized: weights === 'quantized',
            outputName: options.outputName,
          });
    await writeFile(join(dir, 'onnx', weights === 'quantized' ? 'model_quantized.onnx' : 'model.onnx'), model.onnx);
  }
  return dir;
}

// The double-precision reference the vector backends are checked against, shared by every test.
export { cosine } from '../../../../test/helpers/search-backend-conformance.js';

/** The L2 norm. */
export function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
}

/**
 * What the model plus mean pooling and normalisation should give for a text of whole-word tokens: the mean of the
 * rows of [CLS], the words and [SEP], scaled to length 1. Throws for a word the vocabulary splits.
 */
export function expectedEmbedding(
  model: TokenEmbeddingModel,
  vocabulary: ReadonlyMap<string, number>,
  words: readonly string[],
  { normalize = true } = {},
): Float32Array {
  const ids = ['[CLS]', ...words, '[SEP]'].map((token) => {
    const id = vocabulary.get(token);
    if (id === undefined) throw new Error(`"${token}" is not one token of the vocabulary`);
    return id;
  });
  const sum = new Float64Array(model.spec.hidden);
  for (const id of ids) model.row(id).forEach((x, i) => (sum[i]! += x));
  const mean = Float32Array.from(sum, (x) => x / ids.length);
  const length = normalize ? norm(mean) : 1;
  return mean.map((x) => x / length);
}
