import { isRetryableStatus, parseRetryAfter, parseToolArguments, providerError } from '@localmcp/plugin-api';
import type {
  ChatMessage,
  ChatProvider,
  ChatRequest,
  ChatResponse,
  HookOptions,
  PluginContext,
} from '@localmcp/plugin-api';
import type { Options } from './options.js';

// The parts of the OpenAI wire format this provider reads.
interface WireToolCall {
  id: string;
  function: { name: string; arguments: string };
}
interface WireResponse {
  model?: string;
  choices?: Array<{ message?: { content?: string | null; tool_calls?: WireToolCall[] }; finish_reason?: string }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

const STOP_REASONS: Record<string, ChatResponse['stopReason']> = {
  stop: 'end',
  tool_calls: 'tool_calls',
  length: 'max_tokens',
};

/**
 * A ChatProvider over `fetch`. The contract: map the request to the vendor, the answer back; a failed request
 * rejects with `providerError()` saying whether it is worth retrying (the host's router retries and fails over,
 * providers do not); an aborted signal rejects with the signal's reason.
 */
export class {{className}} implements ChatProvider {
  constructor(
    private readonly options: Options,
    private readonly ctx: Pick<PluginContext, 'id' | 'metrics'>,
    private readonly apiKey: string | undefined,
  ) {}

  async chat(request: ChatRequest, { signal }: HookOptions = {}): Promise<ChatResponse> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify(toWire(request)),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const timedOut = timeout.aborted;
      const message = timedOut ? `no answer from ${url} in ${this.options.timeoutMs} ms` : `cannot reach ${url}`;
      throw providerError(this.ctx.id, 'chat', message, { retryable: true, timeout: timedOut }, error);
    }
    if (!response.ok) {
      const detail = (await response.text()).slice(0, 300);
      throw providerError(this.ctx.id, 'chat', `${url} answered ${response.status}: ${detail}`, {
        status: response.status,
        retryable: isRetryableStatus(response.status),
        retryAfterMs: parseRetryAfter(response.headers),
      });
    }
    const answer = fromWire((await response.json()) as WireResponse, request.model);
    this.ctx.metrics.increment('tokens', { direction: 'input' }, answer.usage.inputTokens);
    this.ctx.metrics.increment('tokens', { direction: 'output' }, answer.usage.outputTokens);
    return answer;
  }
}

function toWire(request: ChatRequest): Record<string, unknown> {
  return {
    model: request.model,
    messages: request.messages.map(messageToWire),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            type: 'function',
            function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
          })),
        }
      : {}),
    ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

function messageToWire(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  if (message.role === 'assistant' && message.toolCalls?.length) {
    return {
      role: 'assistant',
      content: message.content,
      tool_calls: message.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      })),
    };
  }
  return { role: message.role, content: message.content };
}

function fromWire(wire: WireResponse, model: string): ChatResponse {
  const choice = wire.choices?.[0];
  const toolCalls = (choice?.message?.tool_calls ?? []).map((call) => ({
    id: call.id,
    name: call.function.name,
    arguments: parseToolArguments(call.function.arguments),
  }));
  return {
    model: wire.model ?? model,
    content: choice?.message?.content ?? '',
    toolCalls,
    usage: { inputTokens: wire.usage?.prompt_tokens ?? 0, outputTokens: wire.usage?.completion_tokens ?? 0 },
    stopReason: toolCalls.length > 0 ? 'tool_calls' : (STOP_REASONS[choice?.finish_reason ?? ''] ?? 'other'),
  };
}
