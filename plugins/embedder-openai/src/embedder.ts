import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ErrorCodes, PluginError, errorMessage, isPluginError, readApiKey, sdkLogger } from '@localmcp/plugin-api';
import type { Embedder, HookOptions, PluginContext } from '@localmcp/plugin-api';
import type { OpenAIEmbedderOptions } from './options.js';
import { retryDecision, sleep } from './retry.js';
import { decodeEmbedding, normalizeInPlace } from './vectors.js';

/**
 * The embedder id for these options: `openai:<baseURL host>:<model>`, then `:<dimensions>` when set. The host
 * tells apart two servers offering a model under the same name.
 */
export function openAIEmbedderId(options: Pick<OpenAIEmbedderOptions, 'baseURL' | 'model' | 'dimensions'>): string {
  const parts = ['openai', new URL(options.baseURL).host, options.model];
  if (options.dimensions !== undefined) parts.push(String(options.dimensions));
  return parts.join(':');
}

// Vector lengths of OpenAI's own models, so `dimensions` is right before the first answer when talking to OpenAI.
// Any other endpoint (which may serve anything under these names) is measured by its first answer.
const OPENAI_HOST = 'api.openai.com';
const OPENAI_MODEL_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

function knownDimensions(options: OpenAIEmbedderOptions): number {
  if (options.dimensions !== undefined) return options.dimensions;
  return new URL(options.baseURL).host === OPENAI_HOST ? (OPENAI_MODEL_DIMENSIONS[options.model] ?? 0) : 0;
}

/** Embeddings from an OpenAI-compatible `/embeddings` endpoint, through the openai SDK. */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly #client: OpenAI;
  readonly #options: OpenAIEmbedderOptions;
  readonly #ctx: PluginContext;
  readonly #url: string;
  readonly #closed = new AbortController();
  #dimensions: number;

  /** Use {@link createOpenAIEmbedder}, which reads the key first. */
  constructor(client: OpenAI, options: OpenAIEmbedderOptions, ctx: PluginContext) {
    this.id = openAIEmbedderId(options);
    this.#client = client;
    this.#options = options;
    this.#ctx = ctx;
    this.#url = `${options.baseURL.replace(/\/+$/, '')}/embeddings`;
    this.#dimensions = knownDimensions(options);
  }

  /**
   * The vector length: the `dimensions` option, else that of OpenAI's model when baseURL is OpenAI's, else the
   * length of the first vector the endpoint returns (0 until then: creating the embedder sends no request).
   */
  get dimensions(): number {
    return this.#dimensions;
  }

  /**
   * One L2-normalised vector per text, in order, `batchSize` texts per request. The signal (and the gateway's
   * shutdown signal) aborts the request in flight and any wait before a retry.
   */
  async embed(texts: string[], options: HookOptions = {}): Promise<Float32Array[]> {
    if (this.#closed.signal.aborted) throw this.#error('embed', 'the embedder is closed');
    const signal = this.#signal(options.signal);
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.#options.batchSize) {
      signal.throwIfAborted();
      vectors.push(...(await this.#request(texts.slice(start, start + this.#options.batchSize), signal, 'embed')));
    }
    return vectors;
  }

  /** Aborts the requests in flight; later calls fail. */
  async close(): Promise<void> {
    if (!this.#closed.signal.aborted) this.#closed.abort(this.#error('embed', 'the embedder is closed'));
  }

  #signal(caller: AbortSignal | undefined): AbortSignal {
    const signals = [this.#ctx.signal, this.#closed.signal];
    if (caller) signals.push(caller);
    return AbortSignal.any(signals);
  }

  async #request(batch: string[], signal: AbortSignal, hook: string): Promise<Float32Array[]> {
    const { model, dimensions, encodingFormat, timeoutMs, maxRetries } = this.#options;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const response = await this.#client.embeddings.create(
          {
            model,
            input: batch,
            // Always explicit: left out, the SDK asks for base64 and decodes the answer as base64 even when a
            // server ignored the request and sent numbers. Here both forms are decoded, whatever was asked.
            encoding_format: encodingFormat,
            ...(dimensions === undefined ? {} : { dimensions }),
          },
          { signal, timeout: timeoutMs, maxRetries: 0 },
        );
        this.#ctx.metrics.observe('request_ms', performance.now() - started);
        const vectors = this.#vectors(response as unknown, batch.length, hook);
        this.#ctx.metrics.increment('texts_embedded', undefined, batch.length);
        return vectors;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (isPluginError(error)) throw error;
        const decision = retryDecision(error, attempt);
        if (!decision.retry || attempt >= maxRetries) throw this.#failure(error, hook, attempt + 1);
        this.#ctx.metrics.increment('retries');
        this.#ctx.logger.debug(
          { attempt: attempt + 1, delayMs: Math.round(decision.delayMs), error: errorMessage(error) },
          'embeddings request failed; retrying',
        );
        await sleep(decision.delayMs, signal);
      }
    }
  }

  #vectors(response: unknown, expected: number, hook: string): Float32Array[] {
    const bad = (message: string) => this.#error(hook, `${this.#url} answered with ${message}`);
    const data = (response as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw bad('no data array');
    if (data.length !== expected) throw bad(`${data.length} embeddings for ${expected} inputs`);
    const vectors: Float32Array[] = new Array<Float32Array>(expected);
    for (const [position, item] of data.entries()) {
      const { index = position, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected || vectors[index]) {
        throw bad(`a wrong or repeated index ${JSON.stringify(index)}`);
      }
      const decoded = decodeEmbedding(embedding);
      if (typeof decoded === 'string') throw bad(decoded);
      if (this.#dimensions === 0) this.#dimensions = decoded.length;
      if (decoded.length !== this.#dimensions) {
        const hint = this.#options.dimensions === undefined ? '' : ' (does the model support the dimensions option?)';
        throw bad(`a ${decoded.length}-dimension vector where ${this.#dimensions} were expected${hint}`);
      }
      const normalized = normalizeInPlace(decoded);
      if (typeof normalized === 'string') throw bad(normalized);
      vectors[index] = normalized;
    }
    return vectors;
  }

  #failure(error: unknown, hook: string, attempts: number): PluginError {
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    let message: string;
    if (error instanceof APIConnectionTimeoutError) {
      message = `no answer from ${this.#url} within ${this.#options.timeoutMs} ms${tries}`;
    } else if (error instanceof APIConnectionError) {
      const code = (error.cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
      message = `cannot reach ${this.#url}: ${errorMessage(error)}${typeof code === 'string' ? ` (${code})` : ''}${tries}`;
    } else if (error instanceof APIError && error.status !== undefined) {
      message = `${this.#url} answered ${errorMessage(error)}${tries}${statusHint(error.status, this.#options)}`;
    } else {
      message = errorMessage(error);
    }
    return this.#error(hook, message, error);
  }

  #error(hook: string, message: string, cause?: unknown): PluginError {
    return new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, this.#ctx.id, hook, message, { cause });
  }
}

function statusHint(status: number, options: OpenAIEmbedderOptions): string {
  const keyFrom = options.apiKeyFile === undefined ? `$${options.apiKeyEnv}` : options.apiKeyFile;
  if (status === 401 || status === 403) return `; check the API key in ${keyFrom}`;
  if (status === 404) return `; check the model name (${options.model}) and that baseURL serves /embeddings`;
  return '';
}

/**
 * Reads the API key and builds the SDK client; fails with a PluginError (hook `create`) when there is no key. Sends
 * no request: the gateway creates every installed plugin at start-up, used or not, and a paid API must not be
 * called for nothing. A wrong URL, model or key shows at the first embed(), as an error naming the endpoint.
 */
export async function createOpenAIEmbedder(
  options: OpenAIEmbedderOptions,
  ctx: PluginContext,
): Promise<OpenAIEmbedder> {
  // A key is always sent (the SDK requires one); a local server that needs none takes any value.
  const apiKey = (await readApiKey(options, ctx, {
    missingHint: 'a local server that needs no key accepts any value',
  }))!;
  const client = new OpenAI({
    apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    // Retries are the plugin's own (see retry.ts): the SDK's wait before a retry ignores the AbortSignal.
    maxRetries: 0,
    logger: sdkLogger(ctx.logger, 'openai'),
    logLevel: 'warn',
  });
  const embedder = new OpenAIEmbedder(client, options, ctx);
  ctx.logger.info(
    { baseURL: options.baseURL, model: options.model, id: embedder.id, dimensions: embedder.dimensions },
    'embeddings endpoint ready',
  );
  return embedder;
}
