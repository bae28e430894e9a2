import { z } from 'zod';

/** The endpoint used when `baseURL` is not set. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Options of the `provider:openai` plugin: one OpenAI-compatible chat endpoint. The API key is read from an
 * environment variable or a file, never from the config itself (config files get committed and shared); unknown
 * keys are refused.
 */
export const OpenAIProviderOptionsSchema = z.strictObject({
  /**
   * Any OpenAI-compatible API: OpenAI, Azure's `/openai/v1`, or a local server (Ollama `http://127.0.0.1:11434/v1`,
   * vLLM `http://127.0.0.1:8000/v1`, LM Studio `http://127.0.0.1:1234/v1`, llama.cpp's `llama-server`).
   * `/chat/completions` is appended.
   */
  baseURL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.openai.com/v1' })
    .default(DEFAULT_OPENAI_BASE_URL),
  /** The environment variable holding the API key. A loopback baseURL needs none (local servers take no key). */
  apiKeyEnv: z.string().regex(ENV_NAME, 'expected an environment variable name').default('OPENAI_API_KEY'),
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
  /**
   * The request field that bounds the answer: OpenAI's own models want `max_completion_tokens`, most compatible
   * servers read `max_tokens`. `auto` picks by baseURL.
   */
  maxTokensField: z.enum(['auto', 'max_tokens', 'max_completion_tokens']).default('auto'),
  /** Ask for usage in streamed answers (`stream_options.include_usage`); turn off for servers that refuse it. */
  streamUsage: z.boolean().default(true),
});

/** Validated options of the `provider:openai` plugin (defaults applied). */
export type OpenAIProviderOptions = z.infer<typeof OpenAIProviderOptionsSchema>;
