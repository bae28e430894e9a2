import { z } from 'zod';

/** The endpoint used when `baseURL` is not set. */
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Options of the `provider:anthropic` plugin: the Messages API of one endpoint. The API key is read from an
 * environment variable or a file, never from the config itself; unknown keys are refused.
 */
export const AnthropicProviderOptionsSchema = z.strictObject({
  /** The API root; `/v1/messages` is appended (a proxy or a compatible gateway may stand here). */
  baseURL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.anthropic.com' })
    .default(DEFAULT_ANTHROPIC_BASE_URL),
  /** The environment variable holding the API key. */
  apiKeyEnv: z.string().regex(ENV_NAME, 'expected an environment variable name').default('ANTHROPIC_API_KEY'),
  /** A file holding the API key (surrounding whitespace ignored). Takes precedence over `apiKeyEnv`. */
  apiKeyFile: z.string().min(1).optional(),
  /** Refused with a message: a key written into the config would end up wherever the config goes. */
  apiKey: z
    .never({
      error:
        'an API key is not accepted in the config: put it in an environment variable (apiKeyEnv) or a file (apiKeyFile)',
    })
    .optional(),
  /** How long one request may take, in milliseconds (a streamed one: until its last event). */
  timeoutMs: z.number().int().min(1).default(120_000),
  /** `max_tokens` when the request sets none: the Messages API requires one. */
  defaultMaxTokens: z.number().int().min(1).default(4096),
});

/** Validated options of the `provider:anthropic` plugin (defaults applied). */
export type AnthropicProviderOptions = z.infer<typeof AnthropicProviderOptionsSchema>;
