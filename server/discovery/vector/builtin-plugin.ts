import { definePlugin } from '@localmcp/plugin-api';
import { z } from 'zod';
import { ExactIndex } from './exact-index.js';

/** Options of the built-in `search:exact` backend. */
export const ExactOptionsSchema = z.strictObject({
  /** Rows allocated up front; the vector buffer doubles whenever it is full. */
  initialCapacity: z.number().int().min(1).max(10_000_000).default(1024),
});

/** Options of the built-in `search:exact` backend, after defaults. */
export type ExactOptions = z.infer<typeof ExactOptionsSchema>;

/**
 * The built-in vector backend, `search:exact`: exact cosine search in one Float32Array, no native dependency. It is
 * declared with definePlugin() like any third-party backend, so the host loads, validates and reports it the same
 * way (a candidate whose entry is this module).
 */
export default definePlugin({
  kind: 'search',
  name: 'exact',
  description: 'Exact cosine vector search in memory (built in, no native dependency).',
  options: ExactOptionsSchema,
  create: (options) => new ExactIndex(options),
});
