import test from 'ava';
import { ErrorCodes } from '@localmcp/plugin-api';
import type { ChatMessage } from '@localmcp/plugin-api';
import { fitToContext, shortenText } from '../../server/llm/context/optimizer.js';
import { estimateCounter, loadTokenizerCounter, promptTokens } from '../../server/llm/context/tokens.js';
import { AGENT_TOOLS } from '../../server/llm/agent/agent.js';
import { SHARED_TOKENIZER } from '../helpers/llm.js';

const counter = await loadTokenizerCounter(SHARED_TOKENIZER);

/** A conversation: system prompt, task, then `turns` tool-calling turns with a large result each, then an answer turn. */
function conversation(turns: number, resultWords: number): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You are a careful agent. Use the tools.' },
    { role: 'user', content: 'Compare the weather reports of the last days.' },
  ];
  for (let turn = 1; turn <= turns; turn++) {
    messages.push({
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: `call_${turn}`, name: 'call_tool', arguments: { name: 'weather__report', arguments: { day: turn } } },
      ],
    });
    const words = Array.from({ length: resultWords }, (_, i) => `day${turn} reading ${i} temperature`).join(' ');
    messages.push({
      role: 'tool',
      toolCallId: `call_${turn}`,
      content: `REPORT ${turn} START ${words} REPORT ${turn} END`,
    });
  }
  return messages;
}

/** Every tool message answers a call of the assistant message before it (what every vendor API checks). */
function pairsIntact(messages: ChatMessage[]): boolean {
  let open = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant') open = new Set((message.toolCalls ?? []).map((c) => c.id));
    else if (message.role === 'tool') {
      if (!open.delete(message.toolCallId)) return false;
    } else if (open.size > 0) return false;
  }
  return true;
}

test('the real tokenizer counts: the shared all-MiniLM tokenizer, not an estimate', (t) => {
  t.true(counter.exact);
  t.is(counter.count('hello world'), 2);
  t.is(counter.count('tokenization'), 2, 'WordPiece splits into token + ##ization');
  t.true(estimateCounter.count('hello world') >= 2);
  const tools = promptTokens([], AGENT_TOOLS, counter);
  t.true(tools > 200 && tools < 1000, `the three meta-tools take ${tools} tokens`);
});

test('a conversation that fits is left alone', (t) => {
  const messages = conversation(2, 20);
  const fitted = fitToContext({
    messages,
    tools: AGENT_TOOLS,
    counter,
    contextWindow: 32_000,
    reserveTokens: 1000,
    keepRecentTurns: 2,
  });
  t.deepEqual(fitted.messages, messages);
  t.deepEqual(fitted.changes, []);
  t.is(fitted.promptTokens, promptTokens(messages, AGENT_TOOLS, counter));
});

test('old tool results are shortened first, oldest first; the newest turns, system prompt and task stay whole', (t) => {
  const messages = conversation(4, 200);
  const full = promptTokens(messages, AGENT_TOOLS, counter);
  const contextWindow = Math.floor(full * 0.75) + 500;
  const fitted = fitToContext({
    messages,
    tools: AGENT_TOOLS,
    counter,
    contextWindow,
    reserveTokens: 500,
    keepRecentTurns: 2,
  });
  t.true(fitted.promptTokens <= contextWindow - 500, 'never over the budget');
  t.is(fitted.promptTokens, promptTokens(fitted.messages, AGENT_TOOLS, counter), 'the reported count is the real one');
  t.deepEqual(fitted.messages.slice(0, 2), messages.slice(0, 2));
  t.deepEqual(fitted.messages.slice(-4), messages.slice(-4), 'the two newest turns are untouched');
  t.true(fitted.changes.length > 0 && fitted.changes.every((c) => c.action === 'shortened'));
  t.is(fitted.changes[0]!.index, 3, 'the oldest result goes first');
  const shortened = fitted.messages[3]!.content;
  t.regex(shortened, /^REPORT 1 START/, 'the head stays');
  t.regex(shortened, /REPORT 1 END$/, 'the tail stays');
  t.regex(shortened, /…\[\d+ of \d+ tokens cut to fit the context window\]…/);
  t.true(pairsIntact(fitted.messages));
});

test('when shortening is not enough, old turns are dropped whole, keeping calls and results paired', (t) => {
  const messages = conversation(6, 150);
  const task = promptTokens(messages.slice(0, 2), AGENT_TOOLS, counter);
  const lastTwo = promptTokens(messages.slice(-4), undefined, counter);
  const contextWindow = task + lastTwo + 400 + 300;
  const fitted = fitToContext({
    messages,
    tools: AGENT_TOOLS,
    counter,
    contextWindow,
    reserveTokens: 400,
    keepRecentTurns: 2,
  });
  t.true(fitted.promptTokens <= contextWindow - 400);
  t.true(fitted.changes.some((c) => c.action === 'dropped'));
  t.deepEqual(fitted.messages.slice(0, 2), messages.slice(0, 2));
  t.deepEqual(fitted.messages.slice(-4), messages.slice(-4));
  t.true(pairsIntact(fitted.messages));
});

test('the newest results are cut last; what cannot fit at all is CONTEXT_TOO_LARGE, with the figures', (t) => {
  const messages = conversation(1, 2000);
  const fitted = fitToContext({
    messages,
    tools: AGENT_TOOLS,
    counter,
    contextWindow: 2000,
    reserveTokens: 200,
    keepRecentTurns: 2,
  });
  t.true(fitted.promptTokens <= 1800);
  t.is(fitted.changes.length, 1);
  t.is(fitted.messages[1]!.content, messages[1]!.content, 'the task is never cut');

  const hugeTask: ChatMessage[] = [{ role: 'user', content: 'please '.repeat(3000) }];
  const error = t.throws(() =>
    fitToContext({
      messages: hugeTask,
      tools: AGENT_TOOLS,
      counter,
      contextWindow: 2000,
      reserveTokens: 200,
      keepRecentTurns: 2,
    }),
  );
  t.is((error as { code?: string }).code, ErrorCodes.CONTEXT_TOO_LARGE);
  t.regex(error!.message, /needs \d+ prompt tokens .* window of 2000 leaves 1800/);
});

test('with an estimate, a tenth of the window is kept free; shortenText never exceeds its bound', (t) => {
  const messages = conversation(3, 300);
  const fitted = fitToContext({
    messages,
    counter: estimateCounter,
    contextWindow: 6000,
    reserveTokens: 500,
    keepRecentTurns: 1,
  });
  t.is(fitted.budget, 6000 - 500 - 600);
  t.true(fitted.promptTokens <= fitted.budget);
  const text = 'lorem ipsum dolor sit amet '.repeat(500);
  for (const bound of [5, 40, 300, 1000]) t.true(counter.count(shortenText(text, bound, counter)) <= bound);
  t.is(shortenText('short', 10, counter), 'short');
});
