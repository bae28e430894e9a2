import { z } from 'zod';

/** Options of the `search:vectra` plugin. Unknown keys are refused, so a misspelt `pth` is an error. */
export const VectraOptionsSchema = z.strictObject({
  /**
   * The folder vectra keeps its `index.json` in: reopened when it holds an index, created otherwise, and rewritten
   * on every change, so the index survives restarts by itself. A relative path is resolved against the working
   * directory. Without it the index lives in a temporary folder that close() removes (persist() still works).
   */
  path: z.string().min(1).optional(),
});

/** Validated options of the `search:vectra` plugin. */
export type VectraOptions = z.infer<typeof VectraOptionsSchema>;
