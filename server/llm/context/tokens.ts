import { resolve } from 'node:path';
import { ErrorCodes, LocalmcpError, errorMessage } from '@localmcp/plugin-api';
import type { ChatMessage, ToolDefinition } from '@localmcp/plugin-api';

/** Counts the tokens of a text for one model. */
export interface TokenCounter {
  /** `tokenizer:<folder>` or `estimate`, for logs and the run's report. */
  readonly name: string;
  /** True when the count is the model's own tokenizer's, not an estimate. */
  readonly exact: boolean;
  count(text: string): number;
}

/**
 * A conservative estimate where no tokenizer is configured: one token per 3 bytes of UTF-8. BPE tokenizers average
 * about 4 characters per token on English and about 1 per CJK character (3 bytes), so this over-counts rather than
 * under-counts; JSON and code are denser, which is why the optimizer also keeps a margin when estimating.
 */
export const estimateCounter: TokenCounter = {
  name: 'estimate',
  exact: false,
  count: (text) => Math.ceil(Buffer.byteLength(text, 'utf8') / 3),
};

interface Tokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

const loaded = new Map<string, Promise<TokenCounter>>();

/**
 * The counter of a tokenizer folder (the transformers.js layout: `tokenizer.json`, `tokenizer_config.json`), loaded
 * once per folder and never from the network. transformers.js is imported only when a tokenizer is configured: it
 * takes seconds to load. A folder that cannot be read is a CONFIG_INVALID error naming it.
 */
export function loadTokenizerCounter(folder: string): Promise<TokenCounter> {
  const path = resolve(folder);
  let counter = loaded.get(path);
  if (!counter) {
    counter = (async () => {
      try {
        const { AutoTokenizer } = await import('@huggingface/transformers');
        const tokenizer = (await AutoTokenizer.from_pretrained(path, {
          local_files_only: true,
        })) as unknown as Tokenizer;
        return {
          name: `tokenizer:${path}`,
          exact: true,
          count: (text: string) => (text === '' ? 0 : tokenizer.encode(text, { add_special_tokens: false }).length),
        };
      } catch (error) {
        loaded.delete(path);
        throw new LocalmcpError(
          ErrorCodes.CONFIG_INVALID,
          `cannot load the tokenizer in ${path} (llm.models.*.tokenizer): ${errorMessage(error)}`,
          { cause: error, data: { path } },
        );
      }
    })();
    loaded.set(path, counter);
  }
  return counter;
}

// What chat formats add around each message (role markers, separators) and around the whole prompt. Vendors differ
// by a few tokens; these are OpenAI's documented figures, rounded up.
const PER_MESSAGE = 4;
const PER_PROMPT = 3;

/** The tokens of one message: its role, text and tool calls (as the JSON the API carries). */
export function messageTokens(message: ChatMessage, counter: TokenCounter): number {
  let text = message.content;
  if (message.role === 'assistant' && message.toolCalls?.length) {
    text += JSON.stringify(message.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args })));
  }
  if (message.role === 'tool') text += message.toolCallId;
  return PER_MESSAGE + counter.count(message.role) + counter.count(text);
}

/** The tokens of the tool definitions, as the JSON schemas a vendor puts in the prompt. */
export function toolTokens(tools: readonly ToolDefinition[] | undefined, counter: TokenCounter): number {
  if (!tools?.length) return 0;
  return counter.count(JSON.stringify(tools));
}

/** The prompt tokens of a request: every message, the tool definitions and the prompt's own overhead. */
export function promptTokens(
  messages: readonly ChatMessage[],
  tools: readonly ToolDefinition[] | undefined,
  counter: TokenCounter,
): number {
  return PER_PROMPT + toolTokens(tools, counter) + messages.reduce((sum, m) => sum + messageTokens(m, counter), 0);
}
