import { definePlugin } from '@localmcp/plugin-api';
import { HnswSearchBackend } from './backend.js';
import { HnswOptionsSchema } from './options.js';

export { HnswSearchBackend } from './backend.js';
export { HnswOptionsSchema } from './options.js';
export type { HnswOptions } from './options.js';

/**
 * `search:hnsw`: approximate nearest-neighbour search with hnswlib (a hierarchical navigable small-world graph,
 * cosine space). Sub-linear search for large catalogs, at a small cost in recall; persists to one binary file.
 */
export default definePlugin({
  kind: 'search',
  name: 'hnsw',
  description: 'Approximate vector search with hnswlib (HNSW graph, cosine)',
  options: HnswOptionsSchema,
  create: (options) => new HnswSearchBackend(options),
});
