import { z } from 'zod';

/** Options of the `search:faiss` plugin. Unknown keys are refused, so a misspelt option is an error. */
export const FaissOptionsSchema = z.strictObject({
  /**
   * With a filter, how many candidates to fetch per wanted hit before filtering; when too few pass, the search is
   * repeated with four times as many, up to the whole index. faiss-node cannot pass a filter into faiss.
   */
  overFetch: z.number().int().min(1).max(1000).default(4),
});

/** Validated options of the `search:faiss` plugin (defaults applied). */
export type FaissOptions = z.infer<typeof FaissOptionsSchema>;
