import { definePlugin } from '@localmcp/plugin-api';
import { createTransformersEmbedder } from './embedder.js';
import { TransformersEmbedderOptionsSchema } from './options.js';

export { TransformersEmbedder, createTransformersEmbedder, transformersEmbedderId } from './embedder.js';
export { DEFAULT_TRANSFORMERS_MODEL, TransformersEmbedderOptionsSchema } from './options.js';
export type { TransformersEmbedderOptions } from './options.js';

/**
 * `embedder:transformers`: sentence embeddings computed locally by transformers.js (onnxruntime on the CPU) from a
 * model folder, Xenova/all-MiniLM-L6-v2 by default. Never downloads anything unless `allowRemote` is set.
 */
export default definePlugin({
  kind: 'embedder',
  name: 'transformers',
  description: 'Local sentence embeddings with transformers.js (default Xenova/all-MiniLM-L6-v2, no download)',
  options: TransformersEmbedderOptionsSchema,
  create: createTransformersEmbedder,
});
