import {
  AutoModelForCausalLM,
  AutoTokenizer,
  InterruptableStoppingCriteria,
  TextStreamer,
} from '@huggingface/transformers';
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import { ErrorCodes, PluginError, errorMessage, providerError } from '@localmcp/plugin-api';
import type {
  ChatChunk,
  ChatMessage,
  ChatProvider,
  ChatRequest,
  ChatResponse,
  HookOptions,
  PluginContext,
} from '@localmcp/plugin-api';
import { checkModelFolder, modelName } from './model-folder.js';
import type { TransformersProviderOptions } from './options.js';
import { ToolCallTextFilter, parseHermesToolCalls } from './tool-calls.js';

type HfMessage = { role: string; content: string; tool_calls?: unknown[]; tool_call_id?: string };

/** Our messages as chat templates read them (the Hugging Face conventions for tool calls and results). */
function toHfMessages(messages: readonly ChatMessage[]): HfMessage[] {
  return messages.map((message) => {
    if (message.role === 'tool') return { role: 'tool', content: message.content, tool_call_id: message.toolCallId };
    if (message.role === 'assistant' && message.toolCalls?.length) {
      return {
        role: 'assistant',
        content: message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    return { role: message.role, content: message.content };
  });
}

/**
 * A chat model running in this process. Generation runs one request at a time (onnxruntime already spreads one
 * run over the cores); the signal stops generation at the next token.
 */
export class TransformersChatProvider implements ChatProvider {
  readonly #tokenizer: PreTrainedTokenizer;
  readonly #model: PreTrainedModel;
  readonly #options: TransformersProviderOptions;
  readonly #ctx: PluginContext;
  readonly #name: string;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    tokenizer: PreTrainedTokenizer,
    model: PreTrainedModel,
    name: string,
    options: TransformersProviderOptions,
    ctx: PluginContext,
  ) {
    this.#tokenizer = tokenizer;
    this.#model = model;
    this.#name = name;
    this.#options = options;
    this.#ctx = ctx;
  }

  chat(request: ChatRequest, options: HookOptions = {}): Promise<ChatResponse> {
    return this.#serially(() => this.#generate(request, options.signal, undefined));
  }

  async *stream(request: ChatRequest, options: HookOptions = {}): AsyncIterable<ChatChunk> {
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    const filter = new ToolCallTextFilter();
    const onText = (text: string) => {
      const shown = filter.push(text);
      if (shown) queue.push(shown);
      wake?.();
    };
    let finished = false;
    let failure: unknown;
    let response: ChatResponse | undefined;
    void this.#serially(() => this.#generate(request, options.signal, onText)).then(
      (r) => {
        response = r;
        finished = true;
        wake?.();
      },
      (error: unknown) => {
        failure = error;
        finished = true;
        wake?.();
      },
    );
    for (;;) {
      while (queue.length > 0) yield { type: 'text', text: queue.shift()! };
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    if (failure !== undefined) throw failure;
    const rest = filter.flush();
    if (rest) yield { type: 'text', text: rest };
    for (const call of response!.toolCalls) yield { type: 'tool_call', call };
    yield { type: 'done', response: response! };
  }

  async close(): Promise<void> {
    await this.#tail.catch(() => undefined);
    await this.#model.dispose();
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #generate(
    request: ChatRequest,
    caller: AbortSignal | undefined,
    onText: ((text: string) => void) | undefined,
  ): Promise<ChatResponse> {
    const signal = caller ? AbortSignal.any([caller, this.#ctx.signal]) : this.#ctx.signal;
    signal.throwIfAborted();
    const tools = request.tools?.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description ?? '', parameters: tool.inputSchema },
    }));
    let prompt: string;
    try {
      prompt = this.#tokenizer.apply_chat_template(toHfMessages(request.messages) as never, {
        ...(tools?.length ? { tools } : {}),
        add_generation_prompt: true,
        tokenize: false,
      }) as string;
    } catch (error) {
      const message = `the model's chat template failed: ${errorMessage(error)}`;
      throw providerError(this.#ctx.id, 'chat', message, { retryable: false }, error);
    }
    const inputs = this.#tokenizer(prompt, { add_special_tokens: false }) as { input_ids: Tensor };
    const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
    const maxTokens = request.maxTokens ?? this.#options.defaultMaxTokens;
    if (promptTokens + maxTokens > this.#options.contextWindow) {
      const message = `${promptTokens} prompt tokens and ${maxTokens} to generate exceed the context window of ${this.#options.contextWindow}`;
      throw providerError(this.#ctx.id, 'chat', message, { retryable: false });
    }
    const stopper = new InterruptableStoppingCriteria();
    const onAbort = () => stopper.interrupt();
    signal.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    let output: Tensor;
    try {
      const streamer = onText
        ? new TextStreamer(this.#tokenizer, { skip_prompt: true, skip_special_tokens: true, callback_function: onText })
        : undefined;
      const temperature = request.temperature ?? 0;
      output = (await this.#model.generate({
        ...inputs,
        max_new_tokens: maxTokens,
        do_sample: temperature > 0,
        ...(temperature > 0 ? { temperature } : {}),
        stopping_criteria: [stopper],
        ...(streamer ? { streamer } : {}),
      } as never)) as Tensor;
    } catch (error) {
      throw new PluginError(ErrorCodes.PROVIDER_REQUEST_FAILED, this.#ctx.id, 'chat', errorMessage(error), {
        cause: error,
        data: { retryable: false },
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    signal.throwIfAborted();
    const generated = output.slice(null, [promptTokens, output.dims.at(-1) ?? promptTokens]);
    const text = this.#tokenizer.batch_decode(generated as never, { skip_special_tokens: true })[0] ?? '';
    const outputTokens = generated.dims.at(-1) ?? 0;
    this.#ctx.metrics.observe('generate_ms', performance.now() - started);
    const { content, toolCalls } = parseHermesToolCalls(text);
    return {
      model: this.#name,
      content,
      toolCalls,
      usage: { inputTokens: promptTokens, outputTokens },
      stopReason: toolCalls.length > 0 ? 'tool_calls' : outputTokens >= maxTokens ? 'max_tokens' : 'end',
    };
  }
}

/**
 * Checks the folder, then loads tokenizer and model with `local_files_only`, so transformers.js never fetches (set
 * per call rather than through the process-wide `env.allowRemoteModels`, which would also bind the embedder plugin
 * that may share this process and allows downloads on request).
 */
export async function createTransformersProvider(
  options: TransformersProviderOptions,
  ctx: PluginContext,
): Promise<TransformersChatProvider> {
  const folder = await checkModelFolder(options, ctx.id);
  const started = performance.now();
  try {
    const tokenizer = await AutoTokenizer.from_pretrained(folder, { local_files_only: true });
    const model = await AutoModelForCausalLM.from_pretrained(folder, {
      local_files_only: true,
      dtype: options.dtype,
      device: 'cpu',
    });
    const name = modelName(options, folder);
    ctx.logger.info(
      { model: name, from: folder, loadMs: Math.round(performance.now() - started) },
      'chat model loaded',
    );
    return new TransformersChatProvider(tokenizer, model, name, options, ctx);
  } catch (error) {
    throw new PluginError(
      ErrorCodes.PLUGIN_HOOK_FAILED,
      ctx.id,
      'create',
      `could not load the model in ${folder}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}
