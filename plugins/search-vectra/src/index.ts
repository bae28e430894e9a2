import { definePlugin } from '@localmcp/plugin-api';
import { VectraSearchBackend } from './backend.js';
import { VectraOptionsSchema } from './options.js';

export { VectraSearchBackend } from './backend.js';
export { VectraOptionsSchema } from './options.js';
export type { VectraOptions } from './options.js';

/**
 * `search:vectra`: exact cosine search with vectra, a file-backed vector store. Every change is written to the
 * folder in `path`, so the index is on disk at all times; suited to small and medium catalogs (it scans every
 * vector per search and rewrites one JSON file per change).
 */
export default definePlugin({
  kind: 'search',
  name: 'vectra',
  description: 'Exact vector search persisted on disk with vectra',
  options: VectraOptionsSchema,
  create: (options) => VectraSearchBackend.open(options),
});
