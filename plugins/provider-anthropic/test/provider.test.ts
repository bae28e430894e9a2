import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { ErrorCodes, createTestContext, instantiatePlugin, pluginId, providerErrorData } from '@localmcp/plugin-api';
import type { ChatChunk, ChatMessage, ChatProvider, ToolDefinition } from '@localmcp/plugin-api';
import plugin, { AnthropicProviderOptionsSchema } from '../src/index.js';
import { startFakeAnthropic } from './helpers/fake-anthropic.js';

async function fake(t: ExecutionContext) {
  const server = await startFakeAnthropic();
  t.teardown(() => server.close());
  return server;
}

function keyInEnv(t: ExecutionContext) {
  const name = `LOCALMCP_TEST_ANTHROPIC_KEY_${randomUUID().replaceAll('-', '_')}`;
  const key = `sk-ant-${randomUUID()}`;
  process.env[name] = key;
  t.teardown(() => {
    delete process.env[name];
  });
  return { name, key };
}

async function load(t: ExecutionContext, options: Record<string, unknown>, env = keyInEnv(t)): Promise<ChatProvider> {
  const { name } = env;
  return instantiatePlugin(
    plugin,
    'provider',
    { apiKeyEnv: name, ...options },
    createTestContext('provider:anthropic'),
  );
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const WEATHER: ToolDefinition = {
  name: 'get_weather',
  description: 'The weather in a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

test('provider:anthropic needs a key from env or a file, never in the config', async (t) => {
  t.is(pluginId(plugin), 'provider:anthropic');
  t.false(AnthropicProviderOptionsSchema.safeParse({ apiKey: 'sk-ant' }).success);
  const error = await t.throwsAsync(
    instantiatePlugin(
      plugin,
      'provider',
      { apiKeyEnv: 'LOCALMCP_TEST_UNSET' },
      createTestContext('provider:anthropic'),
    ),
  );
  t.regex(
    error!.message,
    /^\[plugin provider:anthropic\] create: no API key: the environment variable LOCALMCP_TEST_UNSET/,
  );
});

test('chat: system apart, tool_use and tool_result blocks paired, usage and stop reason back', async (t) => {
  const server = await fake(t);
  const env = keyInEnv(t);
  const provider = await load(t, { baseURL: server.baseURL }, env);
  server.script.push({
    content: 'Checking both.',
    toolCalls: [
      { id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'toolu_2', name: 'get_weather', arguments: { city: 'Rome' } },
    ],
    usage: { input_tokens: 50, output_tokens: 20 },
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Paris and Rome?' },
  ];
  const first = await provider.chat({ model: 'claude-test', messages, tools: [WEATHER] });
  t.is(first.content, 'Checking both.');
  t.deepEqual(
    first.toolCalls.map((c) => c.id),
    ['toolu_1', 'toolu_2'],
  );
  t.deepEqual(first.usage, { inputTokens: 50, outputTokens: 20 });
  t.is(first.stopReason, 'tool_calls');
  const sent = server.requests[0]!;
  t.is(sent.body.system, 'Be brief.');
  t.is(sent.body.max_tokens, 4096, 'the default max_tokens, which the API requires');
  t.deepEqual(sent.body.tools, [
    { name: 'get_weather', description: WEATHER.description, input_schema: WEATHER.inputSchema },
  ]);
  // SDK 1.12 sends the key as a bearer token; older ones used x-api-key.
  t.true(sent.headers.authorization === `Bearer ${env.key}` || sent.headers['x-api-key'] === env.key);

  server.script.push({ content: 'Paris sunny, Rome rainy.' });
  const second = await provider.chat({
    model: 'claude-test',
    maxTokens: 200,
    messages: [
      ...messages,
      { role: 'assistant', content: first.content, toolCalls: first.toolCalls },
      { role: 'tool', toolCallId: 'toolu_1', content: 'sunny' },
      { role: 'tool', toolCallId: 'toolu_2', content: 'rainy' },
    ],
  });
  t.is(second.content, 'Paris sunny, Rome rainy.');
  t.is(second.stopReason, 'end');
  const replay = server.requests[1]!.body.messages as Array<{ role: string; content: unknown }>;
  t.deepEqual(replay[2], {
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
      { type: 'tool_result', tool_use_id: 'toolu_2', content: 'rainy' },
    ],
  });
});

test('stream: text deltas, tool_use input assembled from input_json_delta, usage from start and delta', async (t) => {
  const server = await fake(t);
  const provider = await load(t, { baseURL: server.baseURL });
  server.script.push({
    content: 'One moment please.',
    toolCalls: [{ id: 'toolu_9', name: 'get_weather', arguments: { city: 'Oslo', days: [1, 2, 3] } }],
    usage: { input_tokens: 70, output_tokens: 33 },
  });
  const chunks = await collect(
    provider.stream!({ model: 'claude-test', messages: [{ role: 'user', content: 'Oslo' }] }),
  );
  const texts = chunks.flatMap((c) => (c.type === 'text' ? [c.text] : []));
  t.true(texts.length > 1);
  t.is(texts.join(''), 'One moment please.');
  t.deepEqual(
    chunks.flatMap((c) => (c.type === 'tool_call' ? [c.call] : [])),
    [{ id: 'toolu_9', name: 'get_weather', arguments: { city: 'Oslo', days: [1, 2, 3] } }],
  );
  const done = chunks.at(-1)!;
  t.is(done.type, 'done');
  if (done.type === 'done') {
    t.deepEqual(done.response.usage, { inputTokens: 70, outputTokens: 33 });
    t.is(done.response.stopReason, 'tool_calls');
  }
});

test('errors: 529 overloaded and retry-after, 400 not retryable, a mid-stream error event, a timeout', async (t) => {
  const server = await fake(t);
  const provider = await load(t, { baseURL: server.baseURL });
  const request = { model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] as ChatMessage[] };
  server.script.push({
    status: 529,
    headers: { 'retry-after': '1' },
    body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
  });
  const overloaded = await t.throwsAsync(provider.chat(request));
  t.deepEqual(providerErrorData(overloaded), { status: 529, retryable: true, retryAfterMs: 1000 });
  t.regex(overloaded!.message, /Overloaded/);

  server.script.push({ status: 400 });
  t.deepEqual(providerErrorData(await t.throwsAsync(provider.chat(request))), { status: 400, retryable: false });

  server.script.push({ streamError: 'Overloaded' });
  const midStream = await t.throwsAsync(collect(provider.stream!(request)));
  t.is((midStream as { code?: string }).code, ErrorCodes.PROVIDER_REQUEST_FAILED);
  t.regex(midStream!.message, /Overloaded/);

  server.script.push({ hang: true });
  const impatient = await load(t, { baseURL: server.baseURL, timeoutMs: 500 });
  const timeout = await t.throwsAsync(impatient.chat(request));
  t.is((timeout as { code?: string }).code, ErrorCodes.PROVIDER_TIMEOUT);
  t.is(server.requests.length, 4, 'the SDK retried nothing');
});

test('cancellation: the caller’s abort reason, at once', async (t) => {
  const server = await fake(t);
  const provider = await load(t, { baseURL: server.baseURL });
  server.script.push({ hang: true });
  const controller = new AbortController();
  const reason = new Error('stop');
  setTimeout(() => controller.abort(reason), 50);
  const request = { model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] as ChatMessage[] };
  t.is(await t.throwsAsync(provider.chat(request, { signal: controller.signal })), reason);
});
