import type {
  ContentBlockParam,
  MessageParam,
  StopReason,
  Tool,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages/messages';
import type { ChatMessage, ChatResponse, ToolDefinition } from '@localmcp/plugin-api';

/**
 * Our messages as the Messages API wants them: system messages joined into `system`; an assistant's tool calls as
 * `tool_use` blocks; tool results as `tool_result` blocks of one user message following the calls (consecutive
 * results share it, as the API requires).
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): { system?: string; messages: MessageParam[] } {
  const system: string[] = [];
  const out: MessageParam[] = [];
  let results: ToolResultBlockParam[] | undefined;
  for (const message of messages) {
    if (message.role !== 'tool') results = undefined;
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        out.push({ role: 'user', content: message.content });
        break;
      case 'assistant': {
        const blocks: ContentBlockParam[] = [];
        if (message.content !== '') blocks.push({ type: 'text', text: message.content });
        for (const call of message.toolCalls ?? []) {
          blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
        }
        // An empty assistant turn is refused by the API; it says nothing anyway.
        if (blocks.length > 0) out.push({ role: 'assistant', content: blocks });
        break;
      }
      case 'tool': {
        const block: ToolResultBlockParam = {
          type: 'tool_result',
          tool_use_id: message.toolCallId,
          content: message.content,
        };
        if (results) results.push(block);
        else {
          results = [block];
          out.push({ role: 'user', content: results });
        }
        break;
      }
    }
  }
  return { ...(system.length > 0 ? { system: system.join('\n\n') } : {}), messages: out };
}

/** Tool definitions for the Messages API; MCP input schemas are JSON Schema objects, as `input_schema` wants. */
export function toAnthropicTools(tools: readonly ToolDefinition[] | undefined): Tool[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: { type: 'object', ...tool.inputSchema } as Tool['input_schema'],
  }));
}

/** `stop_reason` in our words. */
export function stopReasonOf(reason: StopReason | null | undefined): ChatResponse['stopReason'] {
  if (reason === 'end_turn' || reason === 'stop_sequence') return 'end';
  if (reason === 'tool_use') return 'tool_calls';
  if (reason === 'max_tokens') return 'max_tokens';
  return 'other';
}

/** Input tokens as billed: cached reads and cache writes count as input too. */
export function inputTokensOf(usage: {
  input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}): number {
  return (usage.input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
}
