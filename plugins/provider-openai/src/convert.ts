import { randomUUID } from 'node:crypto';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { parseToolArguments } from '@localmcp/plugin-api';
import type { ChatMessage, ChatResponse, ToolCall, ToolDefinition } from '@localmcp/plugin-api';

/** Our messages in the chat completions shape: tool calls ride on the assistant message, results name their call. */
export function toOpenAIMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    switch (message.role) {
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
      case 'assistant':
        if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
        return {
          role: 'assistant',
          // OpenAI wants null, not "", next to tool calls; some compatible servers choke on "".
          content: message.content === '' ? null : message.content,
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: JSON.stringify(call.arguments) },
          })),
        };
      default:
        return { role: message.role, content: message.content };
    }
  });
}

/** Tool definitions as functions; MCP input schemas are JSON Schema, which is what `parameters` takes. */
export function toOpenAITools(tools: readonly ToolDefinition[] | undefined): ChatCompletionTool[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema,
    },
  }));
}

/** `finish_reason` in our words. */
export function stopReasonOf(reason: string | null | undefined): ChatResponse['stopReason'] {
  if (reason === 'stop') return 'end';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
  if (reason === 'length') return 'max_tokens';
  return 'other';
}

/** A call as the API returns it (non-streamed, or assembled from stream deltas). */
export function toolCallOf(call: { id?: string; function?: { name?: string; arguments?: string } }): ToolCall {
  return {
    // Some compatible servers (older llama.cpp, Ollama) send no id: one is made up, unique across the chat.
    id: call.id || `call_${randomUUID().slice(0, 8)}`,
    name: call.function?.name ?? '',
    arguments: parseToolArguments(call.function?.arguments),
  };
}
