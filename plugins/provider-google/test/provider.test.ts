import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { ErrorCodes, createTestContext, instantiatePlugin, pluginId, providerErrorData } from '@localmcp/plugin-api';
import type { ChatChunk, ChatMessage, ChatProvider, ToolDefinition } from '@localmcp/plugin-api';
import plugin, { GoogleProviderOptionsSchema } from '../src/index.js';
import { startFakeGemini } from './helpers/fake-gemini.js';

async function fake(t: ExecutionContext) {
  const server = await startFakeGemini();
  t.teardown(() => server.close());
  return server;
}

async function load(t: ExecutionContext, options: Record<string, unknown>): Promise<ChatProvider> {
  const name = `LOCALMCP_TEST_GEMINI_KEY_${randomUUID().replaceAll('-', '_')}`;
  process.env[name] = `key-${randomUUID()}`;
  t.teardown(() => {
    delete process.env[name];
  });
  return instantiatePlugin(plugin, 'provider', { apiKeyEnv: name, ...options }, createTestContext('provider:google'));
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

test('provider:google: options, and no literal key', async (t) => {
  t.is(pluginId(plugin), 'provider:google');
  t.false(GoogleProviderOptionsSchema.safeParse({ apiKey: 'AIza' }).success);
  t.is(GoogleProviderOptionsSchema.parse({}).apiVersion, 'v1beta');
  const error = await t.throwsAsync(
    instantiatePlugin(plugin, 'provider', { apiKeyEnv: 'LOCALMCP_TEST_UNSET' }, createTestContext('provider:google')),
  );
  t.regex(error!.message, /^\[plugin provider:google\] create: no API key/);
});

test('chat: systemInstruction, function declarations, calls without ids, responses paired by name', async (t) => {
  const server = await fake(t);
  const provider = await load(t, { baseURL: server.baseURL });
  server.script.push({
    toolCalls: [{ name: 'get_weather', arguments: { city: 'Lima' } }],
    usage: { promptTokenCount: 40, candidatesTokenCount: 6 },
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Lima?' },
  ];
  const first = await provider.chat({
    model: 'gemini-test',
    messages,
    tools: [WEATHER],
    maxTokens: 64,
    temperature: 0,
  });
  t.is(first.toolCalls.length, 1);
  t.regex(first.toolCalls[0]!.id, /^call_/, 'an id is made up when the API sends none');
  t.deepEqual(first.toolCalls[0]!.arguments, { city: 'Lima' });
  t.deepEqual(first.usage, { inputTokens: 40, outputTokens: 6 });
  t.is(first.stopReason, 'tool_calls');
  const sent = server.requests[0]!;
  t.is(sent.path, '/v1beta/models/gemini-test:generateContent');
  t.deepEqual(sent.body.systemInstruction, { parts: [{ text: 'Be brief.' }], role: 'user' });
  t.deepEqual(sent.body.generationConfig, { temperature: 0, maxOutputTokens: 64 });
  t.deepEqual(sent.body.tools, [
    {
      functionDeclarations: [
        { name: 'get_weather', description: WEATHER.description, parametersJsonSchema: WEATHER.inputSchema },
      ],
    },
  ]);

  server.script.push({ content: 'Foggy.' });
  const second = await provider.chat({
    model: 'gemini-test',
    messages: [
      ...messages,
      { role: 'assistant', content: '', toolCalls: first.toolCalls },
      { role: 'tool', toolCallId: first.toolCalls[0]!.id, content: 'fog' },
    ],
  });
  t.is(second.content, 'Foggy.');
  t.is(second.stopReason, 'end');
  const contents = server.requests[1]!.body.contents as Array<{ role: string; parts: unknown[] }>;
  t.deepEqual(contents[2]!.parts, [
    { functionResponse: { id: first.toolCalls[0]!.id, name: 'get_weather', response: { output: 'fog' } } },
  ]);
});

test('a thought signature is kept with the call and given back, as Gemini requires', async (t) => {
  const server = await fake(t);
  const provider = await load(t, { baseURL: server.baseURL });
  server.script.push({
    toolCalls: [{ id: 'fc1', name: 'needs_signature', arguments: {}, thoughtSignature: 'c2lnbmF0dXJl' }],
  });
  const tool = { name: 'needs_signature', inputSchema: { type: 'object' } };
  const first = await provider.chat({ model: 'g', messages: [{ role: 'user', content: 'go' }], tools: [tool] });
  t.deepEqual(first.toolCalls[0]!.meta, { thoughtSignature: 'c2lnbmF0dXJl' });
  server.script.push({ content: 'done' });
  const second = await provider.chat({
    model: 'g',
    tools: [tool],
    messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', toolCalls: first.toolCalls },
      { role: 'tool', toolCallId: 'fc1', content: 'ok' },
    ],
  });
  t.is(second.content, 'done', 'the fake refuses a replayed call without its signature');
});

test('stream: streamGenerateContent over SSE, text pieces in order, function calls, usage', async (t) => {
  const server = await fake(t);
  const provider = await load(t, { baseURL: server.baseURL });
  server.script.push({
    content: 'Looking that up for you.',
    toolCalls: [{ id: 'fc7', name: 'get_weather', arguments: { city: 'Quito' } }],
    usage: { promptTokenCount: 12, candidatesTokenCount: 9 },
  });
  const chunks = await collect(
    provider.stream!({ model: 'gemini-test', messages: [{ role: 'user', content: 'Quito' }] }),
  );
  t.is(server.requests[0]!.path, '/v1beta/models/gemini-test:streamGenerateContent?alt=sse');
  const texts = chunks.flatMap((c) => (c.type === 'text' ? [c.text] : []));
  t.true(texts.length > 1);
  t.is(texts.join(''), 'Looking that up for you.');
  t.deepEqual(
    chunks.flatMap((c) => (c.type === 'tool_call' ? [c.call] : [])),
    [{ id: 'fc7', name: 'get_weather', arguments: { city: 'Quito' } }],
  );
  const done = chunks.at(-1)!;
  t.is(done.type, 'done');
  if (done.type === 'done') t.deepEqual(done.response.usage, { inputTokens: 12, outputTokens: 9 });
});

test('errors: 503 with RetryInfo, 429 with retry-after, 400, a timeout; nothing retried by the SDK', async (t) => {
  const server = await fake(t);
  const provider = await load(t, { baseURL: server.baseURL });
  const request = { model: 'gemini-test', messages: [{ role: 'user', content: 'hi' }] as ChatMessage[] };
  server.script.push({
    status: 503,
    body: {
      error: {
        code: 503,
        message: 'The model is overloaded.',
        status: 'UNAVAILABLE',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }],
      },
    },
  });
  const e503 = await t.throwsAsync(provider.chat(request));
  t.deepEqual(providerErrorData(e503), { status: 503, retryable: true, retryAfterMs: 3000 });
  t.regex(e503!.message, /answered 503 The model is overloaded\./);
  server.script.push({ status: 429, headers: { 'retry-after': '1' } });
  t.deepEqual(providerErrorData(await t.throwsAsync(provider.chat(request))), {
    status: 429,
    retryable: true,
    retryAfterMs: 1000,
  });
  server.script.push({ status: 400 });
  t.deepEqual(providerErrorData(await t.throwsAsync(provider.chat(request))), { status: 400, retryable: false });
  server.script.push({ hang: true });
  const impatient = await load(t, { baseURL: server.baseURL, timeoutMs: 500 });
  const timeout = await t.throwsAsync(impatient.chat(request));
  t.is((timeout as { code?: string }).code, ErrorCodes.PROVIDER_TIMEOUT);
  t.regex(timeout!.message, /no answer from .* within 500 ms/);
  t.is(server.requests.length, 4);
});

test('cancellation: the caller’s abort reason', async (t) => {
  const server = await fake(t);
  const provider = await load(t, { baseURL: server.baseURL });
  server.script.push({ hang: true });
  const controller = new AbortController();
  const reason = new Error('stop');
  setTimeout(() => controller.abort(reason), 50);
  const request = { model: 'g', messages: [{ role: 'user', content: 'hi' }] as ChatMessage[] };
  t.is(await t.throwsAsync(provider.chat(request, { signal: controller.signal })), reason);
});
