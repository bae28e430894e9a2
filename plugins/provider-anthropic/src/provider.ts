import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { MessageCreateParamsBase, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { parseToolArguments, readApiKey, sdkLogger, sdkRequestFailure } from '@localmcp/plugin-api';
import type {
  ChatChunk,
  ChatProvider,
  ChatRequest,
  ChatResponse,
  HookOptions,
  PluginContext,
  ToolCall,
} from '@localmcp/plugin-api';
import { inputTokensOf, stopReasonOf, toAnthropicMessages, toAnthropicTools } from './convert.js';
import type { AnthropicProviderOptions } from './options.js';

/** The SDK's error classes, for the api's `sdkRequestFailure`. */
const SDK_ERRORS = {
  userAbort: APIUserAbortError,
  connectionTimeout: APIConnectionTimeoutError,
  connection: APIConnectionError,
  api: APIError,
};

/** Claude through the Messages API (`POST <baseURL>/v1/messages`): tool use, streaming events, usage. */
export class AnthropicChatProvider implements ChatProvider {
  readonly #client: Anthropic;
  readonly #options: AnthropicProviderOptions;
  readonly #ctx: PluginContext;
  readonly #url: string;
  readonly #closed = new AbortController();

  /** Use {@link createAnthropicProvider}, which reads the key first. */
  constructor(client: Anthropic, options: AnthropicProviderOptions, ctx: PluginContext) {
    this.#client = client;
    this.#options = options;
    this.#ctx = ctx;
    this.#url = `${options.baseURL.replace(/\/+$/, '')}/v1/messages`;
  }

  async chat(request: ChatRequest, options: HookOptions = {}): Promise<ChatResponse> {
    const signal = this.#signal(options.signal);
    const started = performance.now();
    try {
      const message = await this.#client.messages.create(
        { ...this.#params(request), stream: false },
        { signal, timeout: this.#options.timeoutMs, maxRetries: 0 },
      );
      this.#ctx.metrics.observe('request_ms', performance.now() - started);
      let content = '';
      const toolCalls: ToolCall[] = [];
      for (const block of message.content) {
        if (block.type === 'text') content += block.text;
        else if (block.type === 'tool_use') {
          toolCalls.push({ id: block.id, name: block.name, arguments: (block.input ?? {}) as Record<string, unknown> });
        }
      }
      return {
        model: message.model || request.model,
        content,
        toolCalls,
        usage: { inputTokens: inputTokensOf(message.usage), outputTokens: message.usage.output_tokens ?? 0 },
        stopReason: toolCalls.length > 0 ? 'tool_calls' : stopReasonOf(message.stop_reason),
      };
    } catch (error) {
      throw this.#failure(error, signal, 'chat');
    }
  }

  async *stream(request: ChatRequest, options: HookOptions = {}): AsyncIterable<ChatChunk> {
    const signal = this.#signal(options.signal);
    let events: AsyncIterable<RawMessageStreamEvent>;
    try {
      events = await this.#client.messages.create(
        { ...this.#params(request), stream: true },
        { signal, timeout: this.#options.timeoutMs, maxRetries: 0 },
      );
    } catch (error) {
      throw this.#failure(error, signal, 'stream');
    }
    let model = request.model;
    let content = '';
    let stop: Parameters<typeof stopReasonOf>[0];
    const usage = { inputTokens: 0, outputTokens: 0 };
    const toolCalls: ToolCall[] = [];
    // tool_use blocks by index: id and name at the start, the input as partial JSON until the block stops.
    const open = new Map<number, { id: string; name: string; json: string }>();
    try {
      for await (const event of events) {
        switch (event.type) {
          case 'message_start':
            model = event.message.model || model;
            usage.inputTokens = inputTokensOf(event.message.usage);
            usage.outputTokens = event.message.usage.output_tokens ?? 0;
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') {
              const { id, name } = event.content_block;
              open.set(event.index, { id, name, json: '' });
            }
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') {
              content += event.delta.text;
              yield { type: 'text', text: event.delta.text };
            } else if (event.delta.type === 'input_json_delta') {
              const block = open.get(event.index);
              if (block) block.json += event.delta.partial_json;
            }
            break;
          case 'content_block_stop': {
            const block = open.get(event.index);
            if (block) {
              open.delete(event.index);
              const call = { id: block.id, name: block.name, arguments: parseToolArguments(block.json) };
              toolCalls.push(call);
              yield { type: 'tool_call', call };
            }
            break;
          }
          case 'message_delta':
            stop = event.delta.stop_reason ?? stop;
            if (event.usage.output_tokens !== undefined) usage.outputTokens = event.usage.output_tokens;
            if (event.usage.input_tokens) usage.inputTokens = inputTokensOf(event.usage);
            break;
          default:
            break;
        }
      }
    } catch (error) {
      throw this.#failure(error, signal, 'stream');
    }
    const stopReason = toolCalls.length > 0 ? 'tool_calls' : stopReasonOf(stop);
    yield { type: 'done', response: { model, content, toolCalls, usage, stopReason } };
  }

  /** Aborts the requests in flight; later calls fail. */
  async close(): Promise<void> {
    if (!this.#closed.signal.aborted) this.#closed.abort(new Error(`${this.#ctx.id} is closed`));
  }

  #params(request: ChatRequest): MessageCreateParamsBase {
    const { system, messages } = toAnthropicMessages(request.messages);
    const tools = toAnthropicTools(request.tools);
    return {
      model: request.model,
      max_tokens: request.maxTokens ?? this.#options.defaultMaxTokens,
      messages,
      ...(system === undefined ? {} : { system }),
      ...(tools ? { tools } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
  }

  #signal(caller: AbortSignal | undefined): AbortSignal {
    const signals = [this.#ctx.signal, this.#closed.signal];
    if (caller) signals.push(caller);
    return AbortSignal.any(signals);
  }

  /**
   * Any failure as the provider contract wants it (the api's `sdkRequestFailure`). Anthropic's 529 "overloaded" is
   * an outage like any 5xx, and its overload reported mid-stream as an `error` event comes without a status.
   */
  #failure(error: unknown, signal: AbortSignal, hook: string): unknown {
    const keyFrom = this.#options.apiKeyFile ?? `$${this.#options.apiKeyEnv}`;
    return sdkRequestFailure(error, {
      signal,
      pluginId: this.#ctx.id,
      hook,
      url: this.#url,
      timeoutMs: this.#options.timeoutMs,
      classes: SDK_ERRORS,
      statusHint: (status) => (status === 401 || status === 403 ? `; check the API key in ${keyFrom}` : ''),
    });
  }
}

/** Reads the API key and builds the SDK client; sends no request. */
export async function createAnthropicProvider(
  options: AnthropicProviderOptions,
  ctx: PluginContext,
): Promise<AnthropicChatProvider> {
  const apiKey = await readApiKey(options, ctx);
  const client = new Anthropic({
    apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    // Retries (and failover) are the router's: it knows the other providers and honours retry-after.
    maxRetries: 0,
    logger: sdkLogger(ctx.logger, 'anthropic'),
    logLevel: 'warn',
  });
  ctx.logger.info({ baseURL: options.baseURL }, 'messages endpoint ready');
  return new AnthropicChatProvider(client, options, ctx);
}
