import { definePlugin } from '@localmcp/plugin-api';
import { FaissSearchBackend } from './backend.js';
import { loadFaiss } from './native.js';
import { FaissOptionsSchema } from './options.js';

export { FaissSearchBackend } from './backend.js';
export { BUILT_ADDON, loadFaiss } from './native.js';
export type { FaissBinding } from './native.js';
export { FaissOptionsSchema } from './options.js';
export type { FaissOptions } from './options.js';

/**
 * `search:faiss`: exact cosine search with FAISS (IndexFlatIP over L2-normalised vectors, BLAS-accelerated).
 * The native addon is loaded when the plugin is created, so a missing build fails at `create` with instructions
 * and the gateway starts without it.
 */
export default definePlugin({
  kind: 'search',
  name: 'faiss',
  description: 'Exact vector search with FAISS (IndexFlatIP, cosine)',
  options: FaissOptionsSchema,
  create: (options) => new FaissSearchBackend(loadFaiss(), options),
});
