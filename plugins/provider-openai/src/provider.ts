import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { readApiKey, sdkLogger, sdkRequestFailure } from '@localmcp/plugin-api';
import type {
  ChatChunk,
  ChatProvider,
  ChatRequest,
  ChatResponse,
  HookOptions,
  PluginContext,
  ToolCall,
} from '@localmcp/plugin-api';
import { stopReasonOf, toOpenAIMessages, toOpenAITools, toolCallOf } from './convert.js';
import type { OpenAIProviderOptions } from './options.js';

const OPENAI_HOST = 'api.openai.com';
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** The SDK's error classes, for the api's `sdkRequestFailure`. */
const SDK_ERRORS = {
  userAbort: APIUserAbortError,
  connectionTimeout: APIConnectionTimeoutError,
  connection: APIConnectionError,
  api: APIError,
};

/** Chat completions (`POST <baseURL>/chat/completions`) through the openai SDK: tools, streaming, usage. */
export class OpenAIChatProvider implements ChatProvider {
  readonly #client: OpenAI;
  readonly #options: OpenAIProviderOptions;
  readonly #ctx: PluginContext;
  readonly #url: string;
  readonly #closed = new AbortController();

  /** Use {@link createOpenAIProvider}, which reads the key first. */
  constructor(client: OpenAI, options: OpenAIProviderOptions, ctx: PluginContext) {
    this.#client = client;
    this.#options = options;
    this.#ctx = ctx;
    this.#url = `${options.baseURL.replace(/\/+$/, '')}/chat/completions`;
  }

  async chat(request: ChatRequest, options: HookOptions = {}): Promise<ChatResponse> {
    const signal = this.#signal(options.signal);
    const started = performance.now();
    try {
      const completion = await this.#client.chat.completions.create(
        { ...this.#params(request), stream: false },
        { signal, timeout: this.#options.timeoutMs, maxRetries: 0 },
      );
      this.#ctx.metrics.observe('request_ms', performance.now() - started);
      const choice = completion.choices[0];
      const toolCalls = (choice?.message.tool_calls ?? [])
        .filter((call) => call.type === 'function')
        .map((call) => toolCallOf(call));
      return {
        model: completion.model || request.model,
        content: choice?.message.content ?? '',
        toolCalls,
        usage: {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
        },
        stopReason: toolCalls.length > 0 ? 'tool_calls' : stopReasonOf(choice?.finish_reason),
      };
    } catch (error) {
      throw this.#failure(error, signal, 'chat');
    }
  }

  async *stream(request: ChatRequest, options: HookOptions = {}): AsyncIterable<ChatChunk> {
    const signal = this.#signal(options.signal);
    let stream: AsyncIterable<ChatCompletionChunk>;
    try {
      stream = await this.#client.chat.completions.create(
        {
          ...this.#params(request),
          stream: true,
          ...(this.#options.streamUsage ? { stream_options: { include_usage: true } } : {}),
        },
        { signal, timeout: this.#options.timeoutMs, maxRetries: 0 },
      );
    } catch (error) {
      throw this.#failure(error, signal, 'stream');
    }
    let content = '';
    let model = request.model;
    let finish: string | null | undefined;
    const usage = { inputTokens: 0, outputTokens: 0 };
    // Tool calls arrive in pieces keyed by index: the id and name first, then the arguments' JSON in fragments.
    const partial = new Map<number, { id?: string; function: { name?: string; arguments: string } }>();
    try {
      for await (const chunk of stream) {
        if (chunk.model) model = chunk.model;
        if (chunk.usage) {
          usage.inputTokens = chunk.usage.prompt_tokens ?? 0;
          usage.outputTokens = chunk.usage.completion_tokens ?? 0;
        }
        const choice = chunk.choices[0];
        if (!choice) continue;
        if (choice.finish_reason) finish = choice.finish_reason;
        const text = choice.delta?.content;
        if (text) {
          content += text;
          yield { type: 'text', text };
        }
        for (const piece of choice.delta?.tool_calls ?? []) {
          const call = partial.get(piece.index) ?? { function: { arguments: '' } };
          if (piece.id) call.id = piece.id;
          if (piece.function?.name) call.function.name = (call.function.name ?? '') + piece.function.name;
          if (piece.function?.arguments) call.function.arguments += piece.function.arguments;
          partial.set(piece.index, call);
        }
      }
    } catch (error) {
      throw this.#failure(error, signal, 'stream');
    }
    const toolCalls: ToolCall[] = [...partial.entries()].sort(([a], [b]) => a - b).map(([, call]) => toolCallOf(call));
    for (const call of toolCalls) yield { type: 'tool_call', call };
    const stopReason = toolCalls.length > 0 ? 'tool_calls' : stopReasonOf(finish);
    yield { type: 'done', response: { model, content, toolCalls, usage, stopReason } };
  }

  /** Aborts the requests in flight; later calls fail. */
  async close(): Promise<void> {
    if (!this.#closed.signal.aborted) this.#closed.abort(new Error(`${this.#ctx.id} is closed`));
  }

  #params(request: ChatRequest): ChatCompletionCreateParamsBase {
    const tools = toOpenAITools(request.tools);
    return {
      model: request.model,
      messages: toOpenAIMessages(request.messages),
      ...(tools ? { tools } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { [this.#maxTokensField()]: request.maxTokens }),
    };
  }

  #maxTokensField(): 'max_tokens' | 'max_completion_tokens' {
    const field = this.#options.maxTokensField;
    if (field !== 'auto') return field;
    return new URL(this.#options.baseURL).host === OPENAI_HOST ? 'max_completion_tokens' : 'max_tokens';
  }

  #signal(caller: AbortSignal | undefined): AbortSignal {
    const signals = [this.#ctx.signal, this.#closed.signal];
    if (caller) signals.push(caller);
    return AbortSignal.any(signals);
  }

  /** Any failure as the provider contract wants it (the api's `sdkRequestFailure`). */
  #failure(error: unknown, signal: AbortSignal, hook: string): unknown {
    return sdkRequestFailure(error, {
      signal,
      pluginId: this.#ctx.id,
      hook,
      url: this.#url,
      timeoutMs: this.#options.timeoutMs,
      classes: SDK_ERRORS,
      statusHint: (status) => statusHint(status, this.#options),
    });
  }
}

function statusHint(status: number, options: OpenAIProviderOptions): string {
  const keyFrom = options.apiKeyFile === undefined ? `$${options.apiKeyEnv}` : options.apiKeyFile;
  if (status === 401 || status === 403) return `; check the API key in ${keyFrom}`;
  if (status === 404) return '; check the model name and that baseURL serves /chat/completions';
  return '';
}

/**
 * Reads the API key and builds the SDK client. Sends no request: the gateway may create providers at start-up, and
 * a paid API must not be called for nothing. A loopback baseURL (a local server) needs no key.
 */
export async function createOpenAIProvider(
  options: OpenAIProviderOptions,
  ctx: PluginContext,
): Promise<OpenAIChatProvider> {
  const local = LOOPBACK.test(new URL(options.baseURL).hostname);
  const apiKey = (await readApiKey(options, ctx, { optional: local })) ?? 'no-key';
  const client = new OpenAI({
    apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    // Retries (and failover) are the router's: it knows the other providers and honours retry-after.
    maxRetries: 0,
    logger: sdkLogger(ctx.logger, 'openai'),
    logLevel: 'warn',
  });
  ctx.logger.info({ baseURL: options.baseURL }, 'chat endpoint ready');
  return new OpenAIChatProvider(client, options, ctx);
}
