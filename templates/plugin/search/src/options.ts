import { z } from 'zod';

/** Options of `{{id}}`. Unknown keys are refused, so a misspelt option is an error, not a no-op. */
export const OptionsSchema = z.strictObject({
  /** Hits scoring below this cosine similarity (-1 to 1) are left out of results. */
  minScore: z.number().min(-1).max(1).default(-1),
});

/** Validated options (defaults applied). */
export type Options = z.infer<typeof OptionsSchema>;
