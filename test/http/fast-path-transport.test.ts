// FastPathTransport on its own, under a plain SDK McpServer: when a fast-path answer must become the event stream
// the SDK would have sent (a related notification first, a slow answer), and what close() does to pending answers.
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import anyTest, { type TestFn } from 'ava';
import { z } from 'zod';
import { FastPathTransport } from '../../server/http/fast-path.js';
import { openSession, post, sseMessages } from '../helpers/raw-mcp.js';

interface Context {
  http: HttpServer;
  url: string;
  transport: FastPathTransport;
}
const test = anyTest as TestFn<Context>;

const KEEP_ALIVE_MS = 150;

test.beforeEach(async (t) => {
  const server = new McpServer({ name: 'fast-path-unit', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool('quick', { inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool('chatty', {}, async (extra) => {
    await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'working' } });
    return { content: [{ type: 'text', text: 'done' }] };
  });
  server.registerTool('slow', { inputSchema: { ms: z.number() } }, async ({ ms }) => {
    await sleep(ms);
    return { content: [{ type: 'text', text: `slept ${ms}` }] };
  });
  const transport = new FastPathTransport({ sessionIdGenerator: () => randomUUID(), keepAliveMs: KEEP_ALIVE_MS });
  await server.connect(transport);
  // As the gateway calls it: with the body already parsed.
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      void transport.handleRequest(req, res, text ? JSON.parse(text) : undefined);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.context = { http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, transport };
});

test.afterEach.always(async (t) => {
  await t.context.transport.close();
  t.context.http.closeAllConnections();
  await new Promise((resolve) => t.context.http.close(resolve));
});

const callIn = async (t: { context: Context }, name: string, args: Record<string, unknown>, session?: string) => {
  const headers = {
    'mcp-session-id': session ?? (await openSession(t.context.url)),
    'mcp-protocol-version': '2025-06-18',
  };
  return post(
    t.context.url,
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
    headers,
  );
};

test('a quick answer is one JSON body', async (t) => {
  const answer = await callIn(t, 'quick', { text: 'hi' });
  t.is(answer.type, 'application/json');
  t.deepEqual(JSON.parse(answer.text), { result: { content: [{ type: 'text', text: 'hi' }] }, jsonrpc: '2.0', id: 1 });
});

test('a notification sent before the response turns the answer into the SDK event stream', async (t) => {
  const answer = await callIn(t, 'chatty', {});
  t.is(answer.type, 'text/event-stream');
  t.is(answer.headers.get('cache-control'), 'no-cache, no-transform');
  const messages = sseMessages(answer) as Array<{ method?: string; id?: number; result?: unknown }>;
  t.deepEqual(
    messages.map((m) => m.method ?? m.id),
    ['notifications/message', 1],
  );
});

test('an answer slower than the keep-alive interval becomes an event stream with keep-alives', async (t) => {
  const answer = await callIn(t, 'slow', { ms: KEEP_ALIVE_MS * 3 });
  t.is(answer.type, 'text/event-stream');
  t.true(answer.text.includes(': keepalive\n\n'));
  t.deepEqual(sseMessages(answer), [
    { result: { content: [{ type: 'text', text: `slept ${KEEP_ALIVE_MS * 3}` }] }, jsonrpc: '2.0', id: 1 },
  ]);
});

test('closing the transport ends pending answers without a response', async (t) => {
  const pending = callIn(t, 'slow', { ms: 5_000 }, await openSession(t.context.url));
  await sleep(300);
  await t.context.transport.close();
  const ended = await pending;
  t.is(ended.status, 200);
  t.is(ended.type, 'text/event-stream');
  t.deepEqual(sseMessages(ended), []);
});

test('the SDK client works against it: JSON answers, a notification stream, a cancelled call', async (t) => {
  const client = new Client({ name: 'fast-path-unit', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(t.context.url)));
  const logged: unknown[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logged.push(n.params.data));
  for (let i = 0; i < 20; i++) {
    t.deepEqual((await client.callTool({ name: 'quick', arguments: { text: `n${i}` } })).content, [
      { type: 'text', text: `n${i}` },
    ]);
  }
  t.deepEqual((await client.callTool({ name: 'chatty', arguments: {} })).content, [{ type: 'text', text: 'done' }]);
  t.deepEqual(logged, ['working']);
  const controller = new AbortController();
  const slow = client.callTool({ name: 'slow', arguments: { ms: 5_000 } }, undefined, { signal: controller.signal });
  setTimeout(() => controller.abort('no longer needed'), 50);
  await t.throwsAsync(slow);
  // The session goes on after the cancellation.
  t.deepEqual((await client.callTool({ name: 'quick', arguments: { text: 'after' } })).content, [
    { type: 'text', text: 'after' },
  ]);
  await client.close();
});
