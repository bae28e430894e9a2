import { z } from 'zod';

/** The Gemini API's endpoint, used when `baseURL` is not set. */
export const DEFAULT_GOOGLE_BASE_URL = 'https://generativelanguage.googleapis.com';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Options of the `provider:google` plugin: the Gemini API (generateContent) of one endpoint. The API key is read
 * from an environment variable or a file, never from the config itself; unknown keys are refused.
 */
export const GoogleProviderOptionsSchema = z.strictObject({
  /** The API root; `/<apiVersion>/models/<model>:generateContent` is appended. */
  baseURL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://generativelanguage.googleapis.com' })
    .default(DEFAULT_GOOGLE_BASE_URL),
  /** The API version in the path. */
  apiVersion: z
    .string()
    .regex(/^v\d+\w*$/, 'expected an API version such as v1beta')
    .default('v1beta'),
  /** The environment variable holding the API key. */
  apiKeyEnv: z.string().regex(ENV_NAME, 'expected an environment variable name').default('GEMINI_API_KEY'),
  /** A file holding the API key (surrounding whitespace ignored). Takes precedence over `apiKeyEnv`. */
  apiKeyFile: z.string().min(1).optional(),
  /** Refused with a message: a key written into the config would end up wherever the config goes. */
  apiKey: z
    .never({
      error:
        'an API key is not accepted in the config: put it in an environment variable (apiKeyEnv) or a file (apiKeyFile)',
    })
    .optional(),
  /** How long one request may take, in milliseconds (a streamed one: until its last chunk). */
  timeoutMs: z.number().int().min(1).default(120_000),
});

/** Validated options of the `provider:google` plugin (defaults applied). */
export type GoogleProviderOptions = z.infer<typeof GoogleProviderOptionsSchema>;
