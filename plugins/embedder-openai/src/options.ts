import { z } from 'zod';

/** The endpoint used when `baseURL` is not set. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** The model used when none is configured. */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Options of the `embedder:openai` plugin. The API key is read from an environment variable or a file, never from
 * the config itself (config files get committed and shared); unknown keys are refused.
 */
export const OpenAIEmbedderOptionsSchema = z.strictObject({
  /**
   * Any OpenAI-compatible API: OpenAI, Azure's `/openai/v1`, or a local server (Ollama `http://127.0.0.1:11434/v1`,
   * llama.cpp, vLLM, LM Studio). `/embeddings` is appended.
   */
  baseURL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.openai.com/v1' })
    .default(DEFAULT_OPENAI_BASE_URL),
  /** The embedding model's name at that endpoint. */
  model: z.string().min(1).default(DEFAULT_OPENAI_EMBEDDING_MODEL),
  /**
   * Shorter vectors, for models that support it (text-embedding-3-*): sent as `dimensions` in every request.
   * Unset, the model's own length is used (known for OpenAI's models, else learnt from the first answer).
   */
  dimensions: z.number().int().min(1).max(65536).optional(),
  /** The environment variable holding the API key. */
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
  /** Texts per request (OpenAI accepts up to 2048 inputs and 300k tokens per request). */
  batchSize: z.number().int().min(1).max(2048).default(128),
  /** How long one request may take, in milliseconds, before it is abandoned (and retried). */
  timeoutMs: z.number().int().min(1).default(30_000),
  /** Retries of a request after a timeout, a connection failure, 408, 409, 429 or a 5xx answer. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  /**
   * How vectors travel: `base64` (a quarter of the size) or `float` (JSON numbers) for servers that cannot send
   * base64. Answers in either form are accepted whatever was asked.
   */
  encodingFormat: z.enum(['base64', 'float']).default('base64'),
});

/** Validated options of the `embedder:openai` plugin (defaults applied). */
export type OpenAIEmbedderOptions = z.infer<typeof OpenAIEmbedderOptionsSchema>;
