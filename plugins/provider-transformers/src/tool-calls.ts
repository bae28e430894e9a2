import { randomUUID } from 'node:crypto';
import type { ToolCall } from '@localmcp/plugin-api';

const TOOL_CALL = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g;

/**
 * Splits a generated text into what the model said and the calls it made, in the Hermes format that the chat
 * templates of Qwen 2.5/3, Hermes, SmolLM3 and most small tool-calling models use:
 * `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`. A block that is not valid JSON stays in the text.
 */
export function parseHermesToolCalls(generated: string): { content: string; toolCalls: ToolCall[] } {
  const toolCalls: ToolCall[] = [];
  const content = generated.replace(TOOL_CALL, (block, json: string) => {
    try {
      const parsed = JSON.parse(json) as { name?: unknown; arguments?: unknown };
      if (typeof parsed.name !== 'string') return block;
      const args = typeof parsed.arguments === 'string' ? (JSON.parse(parsed.arguments) as unknown) : parsed.arguments;
      toolCalls.push({
        id: `call_${randomUUID().slice(0, 8)}`,
        name: parsed.name,
        arguments: typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {},
      });
      return '';
    } catch {
      return block;
    }
  });
  return { content: content.trim(), toolCalls };
}

/**
 * Hides tool-call markup from streamed text: text is passed on up to a `<tool_call>` tag (or what may be the start
 * of one), and nothing inside a call is; the calls themselves are parsed from the whole text at the end.
 */
export class ToolCallTextFilter {
  #pending = '';
  #inside = false;

  /** The part of `piece` that is safe to show now. */
  push(piece: string): string {
    this.#pending += piece;
    let out = '';
    for (;;) {
      if (this.#inside) {
        const end = this.#pending.indexOf('</tool_call>');
        if (end < 0) return out;
        this.#pending = this.#pending.slice(end + '</tool_call>'.length);
        this.#inside = false;
        continue;
      }
      const start = this.#pending.indexOf('<tool_call>');
      if (start >= 0) {
        out += this.#pending.slice(0, start);
        this.#pending = this.#pending.slice(start + '<tool_call>'.length);
        this.#inside = true;
        continue;
      }
      // Keep back a tail that could still become "<tool_call>".
      const lt = this.#pending.lastIndexOf('<');
      const keep = lt >= 0 && '<tool_call>'.startsWith(this.#pending.slice(lt)) ? lt : this.#pending.length;
      out += this.#pending.slice(0, keep);
      this.#pending = this.#pending.slice(keep);
      return out;
    }
  }

  /** Whatever was held back, at the end of the stream (an unfinished call is dropped). */
  flush(): string {
    const rest = this.#inside ? '' : this.#pending;
    this.#pending = '';
    return rest;
  }
}
