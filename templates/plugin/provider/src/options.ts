import { z } from 'zod';

/**
 * Options of `{{id}}`: one OpenAI-compatible endpoint. The API key comes from an environment variable, never from
 * the config (config files get committed and shared). Unknown keys are refused.
 */
export const OptionsSchema = z.strictObject({
  /** The API's base URL; `/chat/completions` is appended. */
  baseUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:11434/v1'),
  /** The environment variable holding the API key; unset means no key (local servers take none). */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('{{envPrefix}}_API_KEY'),
  /** How long one request may take, in milliseconds. */
  timeoutMs: z.number().int().min(1).default(60_000),
});

/** Validated options (defaults applied). */
export type Options = z.infer<typeof OptionsSchema>;
