import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '@localmcp/plugin-api';
import type { ChatMessage } from '@localmcp/plugin-api';
import picomatch from 'picomatch';
import type { LlmConfig } from '../config/llm-schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { LlmRouter } from './router.js';

/** Answers one upstream's `sampling/createMessage` request. */
export type SamplingHandler = (
  request: CreateMessageRequest,
  extra: { signal: AbortSignal },
) => Promise<CreateMessageResult>;

/** Whether `server` may ask for completions: `llm.sampling.servers` names it (globs allowed). Off by default. */
export function samplingAllowed(config: LlmConfig, server: string): boolean {
  const { servers } = config.sampling;
  return servers.length > 0 && Object.keys(config.models).length > 0 && picomatch(servers)(server);
}

type SamplingContent = CreateMessageRequest['params']['messages'][number]['content'];

function textOf(content: SamplingContent, server: string): string {
  const parts = Array.isArray(content) ? content : [content];
  return parts
    .map((part) => {
      if (part.type === 'text') return part.text;
      // Images and audio would need a provider contract for them; refusing beats answering blind.
      throw new McpError(
        ErrorCode.InvalidParams,
        `[localmcp] sampling for "${server}" takes text messages only, not ${part.type} content`,
      );
    })
    .join('\n');
}

/**
 * The alias a request's model preferences point at: a hint that is an alias, else the first alias with a model
 * whose name contains a hint (hints are substrings of model names, by the spec), else `llm.sampling.model`, else
 * the default. Priorities (cost, speed, intelligence) are left to the alias's own routing.
 */
export function samplingAlias(config: LlmConfig, request: CreateMessageRequest): string | undefined {
  for (const hint of request.params.modelPreferences?.hints ?? []) {
    const name = hint.name;
    if (!name) continue;
    if (Object.hasOwn(config.models, name)) return name;
    for (const [alias, targets] of Object.entries(config.models)) {
      if (targets.some((t) => t.model.includes(name))) return alias;
    }
  }
  return config.sampling.model ?? config.default;
}

/**
 * The `sampling/createMessage` handler for one upstream: the server's messages and system prompt go through the
 * router (with its failover and breakers) to the configured providers; the answer comes back as MCP wants it, with
 * `model` naming what answered. `maxTokens` is bounded by `llm.sampling.maxTokens`; `includeContext` is not
 * honoured (other servers' context stays theirs), which the spec allows.
 */
export function createSamplingHandler(
  server: string,
  deps: { router: LlmRouter; config: LlmConfig; logger: Logger },
): SamplingHandler {
  return async (request, extra) => {
    const { params } = request;
    const messages: ChatMessage[] = [];
    if (params.systemPrompt) messages.push({ role: 'system', content: params.systemPrompt });
    for (const message of params.messages) {
      messages.push({ role: message.role, content: textOf(message.content, server) });
    }
    const alias = samplingAlias(deps.config, request);
    const started = performance.now();
    try {
      const response = await deps.router.chat(
        {
          ...(alias === undefined ? {} : { model: alias }),
          messages,
          maxTokens: Math.min(params.maxTokens, deps.config.sampling.maxTokens),
          ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
        },
        { signal: extra.signal },
      );
      deps.logger.info(
        {
          server,
          provider: response.provider,
          model: response.model,
          ms: Math.round(performance.now() - started),
          tokens: response.usage,
        },
        'sampling request answered',
      );
      return {
        role: 'assistant',
        content: { type: 'text', text: response.content },
        model: `${response.provider}/${response.model}`,
        stopReason: response.stopReason === 'max_tokens' ? 'maxTokens' : 'endTurn',
      };
    } catch (error) {
      if (error instanceof McpError || extra.signal.aborted) throw error;
      deps.logger.warn({ server, err: errorMessage(error) }, 'sampling request failed');
      throw new McpError(ErrorCode.InternalError, `[localmcp] sampling failed: ${errorMessage(error)}`);
    }
  };
}
