import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  ErrorCodes,
  createTestContext,
  instantiatePlugin,
  isPluginError,
  pluginId,
  providerErrorData,
} from '@localmcp/plugin-api';
import type { ChatChunk, ChatMessage, ChatProvider, ToolDefinition } from '@localmcp/plugin-api';
import plugin, { OpenAIProviderOptionsSchema } from '../src/index.js';
import { startFakeOpenAIChat } from './helpers/fake-openai-chat.js';

async function fake(t: ExecutionContext) {
  const server = await startFakeOpenAIChat();
  t.teardown(() => server.close());
  return server;
}

function load(options: unknown): Promise<ChatProvider> {
  return instantiatePlugin(plugin, 'provider', options, createTestContext('provider:openai'));
}

function keyInEnv(t: ExecutionContext, key = `sk-test-${randomUUID()}`) {
  const name = `LOCALMCP_TEST_OPENAI_KEY_${randomUUID().replaceAll('-', '_')}`;
  process.env[name] = key;
  t.teardown(() => {
    delete process.env[name];
  });
  return { name, key };
}

const WEATHER: ToolDefinition = {
  name: 'get_weather',
  description: 'The weather in a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

test('provider:openai refuses a literal key; a loopback server needs none, a remote one does', async (t) => {
  t.is(pluginId(plugin), 'provider:openai');
  const literal = OpenAIProviderOptionsSchema.safeParse({ apiKey: 'sk-1' });
  t.false(literal.success);
  t.regex(literal.error!.issues[0]!.message, /not accepted in the config/);
  t.false(OpenAIProviderOptionsSchema.safeParse({ baseURL: 'file:///etc' }).success);
  await t.notThrowsAsync(load({ baseURL: 'http://127.0.0.1:1/v1', apiKeyEnv: 'LOCALMCP_TEST_UNSET_KEY' }));
  const error = await t.throwsAsync(load({ apiKeyEnv: 'LOCALMCP_TEST_UNSET_KEY' }));
  t.true(isPluginError(error));
  t.regex(
    error!.message,
    /^\[plugin provider:openai\] create: no API key: the environment variable LOCALMCP_TEST_UNSET_KEY/,
  );
});

test('chat: messages and tools in the chat completions format, the answer and usage back', async (t) => {
  const server = await fake(t);
  const { name, key } = keyInEnv(t);
  const provider = await load({ baseURL: server.baseURL, apiKeyEnv: name });
  t.is(server.requests.length, 0, 'creating the provider sends nothing');
  server.script.push({
    toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } }],
    usage: { prompt_tokens: 42, completion_tokens: 7 },
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
  ];
  const first = await provider.chat({ model: 'gpt-test', messages, tools: [WEATHER], maxTokens: 100 });
  t.deepEqual(first, {
    model: 'gpt-test',
    content: '',
    toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } }],
    usage: { inputTokens: 42, outputTokens: 7 },
    stopReason: 'tool_calls',
  });
  const sent = server.requests[0]!;
  t.is(sent.headers.authorization, `Bearer ${key}`);
  t.is(sent.body.max_tokens, 100, 'a compatible server gets max_tokens');
  t.deepEqual(sent.body.tools, [
    {
      type: 'function',
      function: { name: 'get_weather', description: WEATHER.description, parameters: WEATHER.inputSchema },
    },
  ]);

  server.script.push({ content: 'Sunny, 21 °C.' });
  const second = await provider.chat({
    model: 'gpt-test',
    tools: [WEATHER],
    messages: [
      ...messages,
      { role: 'assistant', content: '', toolCalls: first.toolCalls },
      { role: 'tool', toolCallId: 'call_a', content: '{"sky":"sunny","celsius":21}' },
    ],
  });
  t.is(second.content, 'Sunny, 21 °C.');
  t.is(second.stopReason, 'end');
  const replay = server.requests[1]!.body.messages as Array<Record<string, unknown>>;
  t.deepEqual(replay[2], {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
  });
  t.deepEqual(replay[3], { role: 'tool', tool_call_id: 'call_a', content: '{"sky":"sunny","celsius":21}' });
});

test('stream: text in order, tool calls assembled from fragments, usage in the done chunk', async (t) => {
  const server = await fake(t);
  const provider = await load({ baseURL: server.baseURL });
  server.script.push({
    content: 'Let me check two cities.',
    toolCalls: [
      { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', units: { temperature: 'celsius' } } },
      { id: 'call_2', name: 'get_weather', arguments: { city: 'Tokyo' } },
    ],
    usage: { prompt_tokens: 30, completion_tokens: 12 },
  });
  const chunks = await collect(provider.stream!({ model: 'gpt-test', messages: [{ role: 'user', content: 'go' }] }));
  const texts = chunks.filter((c) => c.type === 'text').map((c) => c.text);
  t.true(texts.length > 1, 'the text came in pieces');
  t.is(texts.join(''), 'Let me check two cities.');
  const calls = chunks.flatMap((c) => (c.type === 'tool_call' ? [c.call] : []));
  t.deepEqual(calls, [
    { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', units: { temperature: 'celsius' } } },
    { id: 'call_2', name: 'get_weather', arguments: { city: 'Tokyo' } },
  ]);
  const done = chunks.at(-1)!;
  t.is(done.type, 'done');
  if (done.type === 'done') {
    t.deepEqual(done.response.usage, { inputTokens: 30, outputTokens: 12 });
    t.is(done.response.stopReason, 'tool_calls');
    t.is(done.response.content, 'Let me check two cities.');
  }
  t.is(server.requests[0]!.body.stream, true);
  t.deepEqual(server.requests[0]!.body.stream_options, { include_usage: true });
});

test('errors say what the router needs: status, retryable, retry-after; one request, no SDK retries', async (t) => {
  const server = await fake(t);
  const provider = await load({ baseURL: server.baseURL });
  const request = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] as ChatMessage[] };

  server.script.push({ status: 500 });
  const e500 = await t.throwsAsync(provider.chat(request));
  t.is((e500 as { code?: string }).code, ErrorCodes.PROVIDER_REQUEST_FAILED);
  t.deepEqual(providerErrorData(e500), { status: 500, retryable: true });
  t.regex(
    e500!.message,
    /\[plugin provider:openai\] chat: http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions answered 500/,
  );

  server.script.push({ status: 429, headers: { 'retry-after': '2' } });
  t.deepEqual(providerErrorData(await t.throwsAsync(provider.chat(request))), {
    status: 429,
    retryable: true,
    retryAfterMs: 2000,
  });

  server.script.push({ status: 401, body: { error: { message: 'Incorrect API key provided' } } });
  const e401 = await t.throwsAsync(provider.chat(request));
  t.deepEqual(providerErrorData(e401), { status: 401, retryable: false });
  t.regex(e401!.message, /check the API key in \$OPENAI_API_KEY/);

  server.script.push({ hang: true });
  const impatient = await load({ baseURL: server.baseURL, timeoutMs: 500 });
  const timeout = await t.throwsAsync(impatient.chat(request));
  t.is((timeout as { code?: string }).code, ErrorCodes.PROVIDER_TIMEOUT);
  t.true(providerErrorData(timeout)!.retryable);
  t.is(server.requests.length, 4, 'the SDK retried nothing');
});

test('cancellation: an aborted signal ends the request with its reason', async (t) => {
  const server = await fake(t);
  const provider = await load({ baseURL: server.baseURL });
  server.script.push({ hang: true }, { hang: true });
  const controller = new AbortController();
  const reason = new Error('the user left');
  setTimeout(() => controller.abort(reason), 50);
  const request = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] as ChatMessage[] };
  t.is(await t.throwsAsync(provider.chat(request, { signal: controller.signal })), reason);
  const streamed = new AbortController();
  setTimeout(() => streamed.abort(reason), 50);
  t.is(await t.throwsAsync(collect(provider.stream!(request, { signal: streamed.signal }))), reason);
});
