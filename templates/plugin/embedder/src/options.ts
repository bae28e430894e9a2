import { z } from 'zod';

/** Options of `{{id}}`. Unknown keys are refused, so a misspelt option is an error, not a no-op. */
export const OptionsSchema = z.strictObject({
  /** The vector length. More dimensions, fewer collisions between words. */
  dimensions: z.number().int().min(8).max(4096).default(256),
});

/** Validated options (defaults applied). */
export type Options = z.infer<typeof OptionsSchema>;
