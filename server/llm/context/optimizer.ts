import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import type { ChatMessage, ToolDefinition } from '@localmcp/plugin-api';
import { messageTokens, toolTokens, type TokenCounter } from './tokens.js';

/** What the optimizer is asked to fit. */
export interface FitOptions {
  messages: readonly ChatMessage[];
  tools?: readonly ToolDefinition[];
  counter: TokenCounter;
  /** The model's context window (prompt and answer). */
  contextWindow: number;
  /** Tokens kept free for the answer. */
  reserveTokens: number;
  /** The newest turns never dropped (a turn: an assistant message and the tool results that follow it). */
  keepRecentTurns: number;
  /** A shortened tool result keeps at least this many tokens. */
  minToolResultTokens?: number;
}

/** One thing the optimizer did, for the run's report. */
export interface ContextChange {
  action: 'shortened' | 'dropped';
  /** Index in the messages it was given. */
  index: number;
  role: ChatMessage['role'];
  fromTokens: number;
  toTokens: number;
}

/** The messages that fit, their prompt tokens (by `counter`) and what was changed. */
export interface FitResult {
  messages: ChatMessage[];
  promptTokens: number;
  budget: number;
  changes: ContextChange[];
}

// An estimate can be wrong by more than a tokenizer's per-message overheads: keep a tenth of the window free then.
const ESTIMATE_MARGIN = 0.1;
const PROMPT_OVERHEAD = 3;

/**
 * Fits a conversation into a model's context window, keeping what matters most:
 *
 * 1. Everything fits: nothing changes.
 * 2. Tool results outside the newest turns are shortened, oldest first and largest first, down to
 *    `minToolResultTokens` (the head and the tail of the text stay, with a marker saying how much was cut).
 * 3. Still too long: the oldest turns (an assistant message with its tool results, so calls and results stay
 *    paired) are dropped, never the system prompt, the first user message (the task) or the newest turns.
 * 4. Still too long: the newest turns' tool results are shortened too.
 * 5. Still too long: CONTEXT_TOO_LARGE, with the figures. The result never exceeds the budget.
 */
export function fitToContext(options: FitOptions): FitResult {
  const { counter } = options;
  const margin = counter.exact ? 0 : Math.ceil(options.contextWindow * ESTIMATE_MARGIN);
  const budget = options.contextWindow - options.reserveTokens - margin;
  const minResult = options.minToolResultTokens ?? 64;
  const messages = [...options.messages];
  const sizes = messages.map((m) => messageTokens(m, counter));
  const fixed = PROMPT_OVERHEAD + toolTokens(options.tools, counter);
  const alive = messages.map(() => true);
  const changes: ContextChange[] = [];
  const total = () => fixed + sizes.reduce((sum, size, i) => sum + (alive[i] ? size : 0), 0);
  const result = (): FitResult => ({
    messages: messages.filter((_, i) => alive[i]),
    promptTokens: total(),
    budget,
    changes,
  });
  if (total() <= budget) return result();

  const recent = recentStart(messages, options.keepRecentTurns);
  const firstUser = messages.findIndex((m) => m.role === 'user');
  const toolResults = (from: number, to: number) =>
    messages
      .map((m, i) => ({ m, i }))
      .filter(({ m, i }) => i >= from && i < to && m.role === 'tool' && alive[i])
      // Oldest first; among results of one turn, largest first.
      .sort((a, b) => turnOf(messages, a.i) - turnOf(messages, b.i) || sizes[b.i]! - sizes[a.i]!)
      .map(({ i }) => i);

  const shorten = (indexes: number[]) => {
    for (const i of indexes) {
      const excess = total() - budget;
      if (excess <= 0) return;
      const message = messages[i] as Extract<ChatMessage, { role: 'tool' }>;
      const overhead = sizes[i]! - counter.count(message.content);
      const contentTokens = sizes[i]! - overhead;
      const target = Math.max(minResult, contentTokens - excess);
      if (target >= contentTokens) continue;
      const content = shortenText(message.content, target, counter);
      const size = overhead + counter.count(content);
      changes.push({ action: 'shortened', index: i, role: 'tool', fromTokens: sizes[i]!, toTokens: size });
      messages[i] = { ...message, content };
      sizes[i] = size;
    }
  };

  shorten(toolResults(0, recent));
  if (total() > budget) {
    // Drop whole turns, oldest first, between the task and the newest turns.
    for (let i = 0; i < recent && total() > budget; i++) {
      if (!alive[i] || messages[i]!.role !== 'assistant' || i <= firstUser) continue;
      for (let j = i; j < recent && (j === i || messages[j]!.role === 'tool'); j++) {
        if (!alive[j]) continue;
        alive[j] = false;
        changes.push({ action: 'dropped', index: j, role: messages[j]!.role, fromTokens: sizes[j]!, toTokens: 0 });
      }
    }
  }
  if (total() > budget) shorten(toolResults(recent, messages.length));
  if (total() > budget) {
    throw new LocalmcpError(
      ErrorCodes.CONTEXT_TOO_LARGE,
      `the conversation needs ${total()} prompt tokens even after shortening tool results and dropping old turns; ` +
        `the model's window of ${options.contextWindow} leaves ${budget} (with ${options.reserveTokens} kept for the ` +
        'answer): shorten the task or the system prompt, or use a model with a larger context window',
      { data: { promptTokens: total(), budget, contextWindow: options.contextWindow } },
    );
  }
  return result();
}

/** The index where the newest `turns` turns begin (the trailing user message counts with the last turn). */
function recentStart(messages: readonly ChatMessage[], turns: number): number {
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'assistant' && ++seen === turns) return i;
  }
  return 0;
}

/** Which turn a message belongs to: the number of assistant messages before it. */
function turnOf(messages: readonly ChatMessage[], index: number): number {
  let turn = 0;
  for (let i = 0; i < index; i++) if (messages[i]!.role === 'assistant') turn++;
  return turn;
}

/**
 * `text` cut to at most `maxTokens`, keeping its head (two thirds) and tail (a third) around a marker: the start of
 * a result usually says what it is, the end often how it ended. Cut by characters in proportion to the token count
 * and re-counted, so a few counts suffice even for long texts.
 */
export function shortenText(text: string, maxTokens: number, counter: TokenCounter): string {
  const tokens = counter.count(text);
  if (tokens <= maxTokens) return text;
  const marker = (cut: number) => `\n…[${cut} of ${tokens} tokens cut to fit the context window]…\n`;
  let keepChars = Math.floor((text.length * maxTokens) / tokens);
  for (let attempt = 0; attempt < 8; attempt++) {
    const head = Math.ceil((keepChars * 2) / 3);
    const tail = keepChars - head;
    const candidate = `${text.slice(0, head)}${marker(tokens - maxTokens)}${tail > 0 ? text.slice(-tail) : ''}`;
    const count = counter.count(candidate);
    if (count <= maxTokens) return candidate;
    keepChars = Math.floor((keepChars * maxTokens) / count) - 8;
    if (keepChars <= 0) break;
  }
  const bare = marker(tokens);
  return counter.count(bare) <= maxTokens ? bare : '';
}
