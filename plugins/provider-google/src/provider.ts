import { GoogleGenAI } from '@google/genai';
import type { GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import { errorMessage, isRetryableStatus, providerError, readApiKey } from '@localmcp/plugin-api';
import type {
  ChatChunk,
  ChatProvider,
  ChatRequest,
  ChatResponse,
  HookOptions,
  PluginContext,
  ToolCall,
} from '@localmcp/plugin-api';
import { readParts, stopReasonOf, toGoogleContents, toGoogleTools, usageOf } from './convert.js';
import { GoogleHttpError, fetchWithErrors } from './http-errors.js';
import type { GoogleProviderOptions } from './options.js';

/** Gemini through `@google/genai` (generateContent, streamGenerateContent): function calls, streaming, usage. */
export class GoogleChatProvider implements ChatProvider {
  readonly #ai: GoogleGenAI;
  readonly #options: GoogleProviderOptions;
  readonly #ctx: PluginContext;
  readonly #closed = new AbortController();

  /** Use {@link createGoogleProvider}, which reads the key first. */
  constructor(ai: GoogleGenAI, options: GoogleProviderOptions, ctx: PluginContext) {
    this.#ai = ai;
    this.#options = options;
    this.#ctx = ctx;
  }

  async chat(request: ChatRequest, options: HookOptions = {}): Promise<ChatResponse> {
    const { signal, timeout } = this.#signal(options.signal);
    const started = performance.now();
    try {
      const response = await this.#ai.models.generateContent(this.#params(request, signal));
      this.#ctx.metrics.observe('request_ms', performance.now() - started);
      const candidate = response.candidates?.[0];
      const { text, calls } = readParts(candidate?.content?.parts);
      return {
        model: response.modelVersion || request.model,
        content: text,
        toolCalls: calls,
        usage: usageOf(response.usageMetadata),
        stopReason: stopReasonOf(candidate?.finishReason, calls.length > 0),
      };
    } catch (error) {
      throw this.#failure(error, signal, timeout, 'chat', request.model);
    }
  }

  async *stream(request: ChatRequest, options: HookOptions = {}): AsyncIterable<ChatChunk> {
    const { signal, timeout } = this.#signal(options.signal);
    let model = request.model;
    let content = '';
    let finish: string | undefined;
    let usage = usageOf(undefined);
    const toolCalls: ToolCall[] = [];
    let chunks: AsyncIterable<GenerateContentResponse>;
    try {
      chunks = await this.#ai.models.generateContentStream(this.#params(request, signal));
    } catch (error) {
      throw this.#failure(error, signal, timeout, 'stream', request.model);
    }
    try {
      for await (const chunk of chunks) {
        if (chunk.modelVersion) model = chunk.modelVersion;
        if (chunk.usageMetadata) usage = usageOf(chunk.usageMetadata);
        const candidate = chunk.candidates?.[0];
        if (candidate?.finishReason) finish = candidate.finishReason;
        // Gemini sends each function call whole, in one chunk, so a call is complete when it is seen.
        const { text, calls } = readParts(candidate?.content?.parts);
        if (text) {
          content += text;
          yield { type: 'text', text };
        }
        for (const call of calls) {
          toolCalls.push(call);
          yield { type: 'tool_call', call };
        }
      }
    } catch (error) {
      throw this.#failure(error, signal, timeout, 'stream', request.model);
    }
    const stopReason = stopReasonOf(finish, toolCalls.length > 0);
    yield { type: 'done', response: { model, content, toolCalls, usage, stopReason } };
  }

  /** Aborts the requests in flight; later calls fail. */
  async close(): Promise<void> {
    if (!this.#closed.signal.aborted) this.#closed.abort(new Error(`${this.#ctx.id} is closed`));
  }

  #params(request: ChatRequest, signal: AbortSignal) {
    const { system, contents } = toGoogleContents(request.messages);
    const tools = toGoogleTools(request.tools);
    const config: GenerateContentConfig = {
      abortSignal: signal,
      ...(system === undefined ? {} : { systemInstruction: system }),
      ...(tools ? { tools } : {}),
      ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
    return { model: request.model, contents, config };
  }

  /** The request's signal: the caller's, shutdown, close() and the timeout (kept apart to tell it from an abort). */
  #signal(caller: AbortSignal | undefined): { signal: AbortSignal; timeout: AbortSignal } {
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    const signals = [this.#ctx.signal, this.#closed.signal, timeout];
    if (caller) signals.push(caller);
    return { signal: AbortSignal.any(signals), timeout };
  }

  #failure(error: unknown, signal: AbortSignal, timeout: AbortSignal, hook: string, model: string): unknown {
    const id = this.#ctx.id;
    const url = `${this.#options.baseURL.replace(/\/+$/, '')}/${this.#options.apiVersion}/models/${model}`;
    if (timeout.aborted) {
      const message = `no answer from ${url} within ${this.#options.timeoutMs} ms`;
      return providerError(id, hook, message, { retryable: true, timeout: true }, error);
    }
    if (signal.aborted) return signal.reason;
    if (error instanceof GoogleHttpError) {
      const keyFrom = this.#options.apiKeyFile ?? `$${this.#options.apiKeyEnv}`;
      const hint = error.status === 401 || error.status === 403 ? `; check the API key in ${keyFrom}` : '';
      const message = `${url} answered ${error.message}${hint}`;
      const data = {
        status: error.status,
        retryable: isRetryableStatus(error.status),
        retryAfterMs: error.retryAfterMs,
      };
      return providerError(id, hook, message, data, error);
    }
    // An error chunk inside a stream: the SDK throws its ApiError with the chunk's code.
    const status = (error as { name?: unknown; status?: unknown }).status;
    if ((error as { name?: unknown }).name === 'ApiError' && typeof status === 'number') {
      const data = { status, retryable: isRetryableStatus(status) };
      return providerError(id, hook, `${url}: ${errorMessage(error)}`, data, error);
    }
    // fetch() itself failed: the server is unreachable.
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    const message = `cannot reach ${url}: ${errorMessage(error)}${typeof code === 'string' ? ` (${code})` : ''}`;
    return providerError(id, hook, message, { retryable: error instanceof TypeError }, error);
  }
}

/** Reads the API key and builds the SDK client; sends no request. */
export async function createGoogleProvider(
  options: GoogleProviderOptions,
  ctx: PluginContext,
): Promise<GoogleChatProvider> {
  const apiKey = await readApiKey(options, ctx);
  const ai = new GoogleGenAI({
    apiKey,
    // No retryOptions: the SDK then sends each request once; retries and failover are the router's.
    httpOptions: { baseUrl: options.baseURL, apiVersion: options.apiVersion, fetch: fetchWithErrors },
  });
  ctx.logger.info({ baseURL: options.baseURL }, 'generateContent endpoint ready');
  return new GoogleChatProvider(ai, options, ctx);
}
