import { randomUUID } from 'node:crypto';
import type { Content, FunctionDeclaration, Part, Tool } from '@google/genai';
import type { ChatMessage, ChatResponse, ToolCall, ToolDefinition } from '@localmcp/plugin-api';
import { toolNamesById } from '@localmcp/plugin-api';

/**
 * Our messages as `contents`: system messages joined into `systemInstruction`; assistant turns as role `model`
 * with `functionCall` parts (their thought signatures given back, which Gemini requires); tool results as
 * `functionResponse` parts, which pair with their call by name (and id), so names are looked up from the calls.
 */
export function toGoogleContents(messages: readonly ChatMessage[]): { system?: string; contents: Content[] } {
  const names = toolNamesById(messages);
  const system: string[] = [];
  const contents: Content[] = [];
  let results: Part[] | undefined;
  for (const message of messages) {
    if (message.role !== 'tool') results = undefined;
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        contents.push({ role: 'user', parts: [{ text: message.content }] });
        break;
      case 'assistant': {
        const parts: Part[] = message.content === '' ? [] : [{ text: message.content }];
        for (const call of message.toolCalls ?? []) {
          const signature = call.meta?.thoughtSignature;
          parts.push({
            functionCall: { id: call.id, name: call.name, args: call.arguments },
            ...(typeof signature === 'string' ? { thoughtSignature: signature } : {}),
          });
        }
        if (parts.length > 0) contents.push({ role: 'model', parts });
        break;
      }
      case 'tool': {
        const part: Part = {
          functionResponse: {
            id: message.toolCallId,
            name: names.get(message.toolCallId) ?? 'unknown',
            response: { output: message.content },
          },
        };
        if (results) results.push(part);
        else {
          results = [part];
          contents.push({ role: 'user', parts: results });
        }
        break;
      }
    }
  }
  return { ...(system.length > 0 ? { system: system.join('\n\n') } : {}), contents };
}

/** Tool definitions as function declarations; `parametersJsonSchema` takes the MCP input schema as it is. */
export function toGoogleTools(tools: readonly ToolDefinition[] | undefined): Tool[] | undefined {
  if (!tools?.length) return undefined;
  const functionDeclarations: FunctionDeclaration[] = tools.map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parametersJsonSchema: tool.inputSchema,
  }));
  return [{ functionDeclarations }];
}

/** What the answer's parts say: text (thoughts left out) and function calls. */
export function readParts(parts: readonly Part[] | undefined): { text: string; calls: ToolCall[] } {
  let text = '';
  const calls: ToolCall[] = [];
  for (const part of parts ?? []) {
    if (part.thought) continue;
    if (typeof part.text === 'string') text += part.text;
    if (part.functionCall) {
      calls.push({
        // The Gemini API often sends no id; one is made up, unique across the chat.
        id: part.functionCall.id || `call_${randomUUID().slice(0, 8)}`,
        name: part.functionCall.name ?? '',
        arguments: part.functionCall.args ?? {},
        ...(part.thoughtSignature ? { meta: { thoughtSignature: part.thoughtSignature } } : {}),
      });
    }
  }
  return { text, calls };
}

/** `finishReason` in our words. */
export function stopReasonOf(reason: string | undefined, hasCalls: boolean): ChatResponse['stopReason'] {
  if (hasCalls) return 'tool_calls';
  if (reason === 'STOP' || reason === undefined) return 'end';
  if (reason === 'MAX_TOKENS') return 'max_tokens';
  return 'other';
}

/** Usage as billed: thinking tokens are output tokens. */
export function usageOf(
  metadata: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number } | undefined,
) {
  return {
    inputTokens: metadata?.promptTokenCount ?? 0,
    outputTokens: (metadata?.candidatesTokenCount ?? 0) + (metadata?.thoughtsTokenCount ?? 0),
  };
}
