import { z } from 'zod';

/**
 * Options of the `search:hnsw` plugin: the usual HNSW knobs. Unknown keys are refused, so a misspelt `efsearch`
 * is an error rather than a silent default.
 */
export const HnswOptionsSchema = z.strictObject({
  /** Links per node in the graph (hnswlib's M). More links: better recall, more memory, slower inserts. */
  m: z.number().int().min(2).max(100).default(16),
  /** Candidate list size while inserting. Larger builds a better graph, more slowly. */
  efConstruction: z.number().int().min(1).max(10_000).default(200),
  /** Candidate list size while searching (raised to the limit when the limit is larger). Trades speed for recall. */
  efSearch: z.number().int().min(1).max(10_000).default(64),
  /** Vectors the index has room for at first; it doubles whenever it is full. */
  initialCapacity: z.number().int().min(1).max(100_000_000).default(1024),
});

/** Validated options of the `search:hnsw` plugin (defaults applied). */
export type HnswOptions = z.infer<typeof HnswOptionsSchema>;
