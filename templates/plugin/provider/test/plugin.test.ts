import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createTestContext, ErrorCodes, instantiatePlugin, isLocalmcpError } from '@localmcp/plugin-api';
import type { ChatProvider } from '@localmcp/plugin-api';
import plugin from '../src/index.js';

type Handler = (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server speaking the vendor's wire format: no test leaves the machine. */
async function fakeVendor(t: TestContext, handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => handler(JSON.parse(text) as Record<string, unknown>, req, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

function create(baseUrl: string, options: object = {}): Promise<ChatProvider> {
  return instantiatePlugin(plugin, 'provider', { baseUrl, ...options }, createTestContext('{{id}}'));
}

test('a text answer, with usage and the request mapped to the wire format', async (t) => {
  let seen: Record<string, unknown> = {};
  const baseUrl = await fakeVendor(t, (body, _req, res) => {
    seen = body;
    json(res, 200, {
      model: 'tiny-1',
      choices: [{ message: { content: 'Hello!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 7, completion_tokens: 2 },
    });
  });
  const provider = await create(baseUrl);
  const answer = await provider.chat({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }], maxTokens: 20 });
  assert.deepEqual(answer, {
    model: 'tiny-1',
    content: 'Hello!',
    toolCalls: [],
    usage: { inputTokens: 7, outputTokens: 2 },
    stopReason: 'end',
  });
  assert.deepEqual(seen, { model: 'tiny', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 20 });
});

test('tool calls come back with parsed arguments', async (t) => {
  const baseUrl = await fakeVendor(t, (body, _req, res) => {
    assert.equal((body.tools as unknown[]).length, 1);
    json(res, 200, {
      choices: [
        {
          message: {
            content: null,
            tool_calls: [{ id: 'call_1', function: { name: 'notes__add_note', arguments: '{"title":"milk"}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
  });
  const provider = await create(baseUrl);
  const answer = await provider.chat({
    model: 'tiny',
    messages: [{ role: 'user', content: 'Remember to buy milk' }],
    tools: [{ name: 'notes__add_note', inputSchema: { type: 'object', properties: { title: { type: 'string' } } } }],
  });
  assert.deepEqual(answer.toolCalls, [{ id: 'call_1', name: 'notes__add_note', arguments: { title: 'milk' } }]);
  assert.equal(answer.stopReason, 'tool_calls');
});

test('a 429 is a retryable provider error carrying retry-after; a 400 is not retryable', async (t) => {
  let status = 429;
  const baseUrl = await fakeVendor(t, (_body, _req, res) => {
    json(res, status, { error: 'slow down' }, { 'retry-after': '2' });
  });
  const provider = await create(baseUrl);
  const request = { model: 'tiny', messages: [{ role: 'user' as const, content: 'Hi' }] };
  const limited = await provider.chat(request).catch((e: unknown) => e);
  assert.ok(isLocalmcpError(limited) && limited.code === ErrorCodes.PROVIDER_REQUEST_FAILED);
  assert.deepEqual(limited.data, {
    plugin: '{{id}}',
    hook: 'chat',
    status: 429,
    retryable: true,
    retryAfterMs: 2000,
  });
  status = 400;
  const bad = await provider.chat(request).catch((e: unknown) => e);
  assert.ok(isLocalmcpError(bad) && bad.data?.retryable === false);
});

test('the API key is read from the environment variable the options name', async (t) => {
  let authorization: string | undefined;
  const baseUrl = await fakeVendor(t, (_body, req, res) => {
    authorization = req.headers.authorization;
    json(res, 200, { choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] });
  });
  process.env.TEST_{{envPrefix}}_KEY = 'sk-test';
  t.after(() => delete process.env.TEST_{{envPrefix}}_KEY);
  const provider = await create(baseUrl, { apiKeyEnv: 'TEST_{{envPrefix}}_KEY' });
  await provider.chat({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }] });
  assert.equal(authorization, 'Bearer sk-test');
});

test('an aborted call rejects with the reason; an unreachable server is a retryable error', async (t) => {
  const baseUrl = await fakeVendor(t, () => undefined); // never answers
  const provider = await create(baseUrl);
  const controller = new AbortController();
  const pending = provider.chat({ model: 'tiny', messages: [] }, { signal: controller.signal });
  controller.abort(new Error('user cancelled'));
  await assert.rejects(pending, /user cancelled/);
  const offline = await create('http://127.0.0.1:9/v1');
  const unreachable = await offline.chat({ model: 'tiny', messages: [] }).catch((e: unknown) => e);
  assert.ok(isLocalmcpError(unreachable) && unreachable.data?.retryable === true);
});
