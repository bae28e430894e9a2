// tools/call answered without the SDK's per-request machinery: the same answers, errors, cancellation and
// closing as on the SDK's path, and everything that is not a plain call still takes that path.
import test from 'ava';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolRequestSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  answerToolCallsDirectly,
  type ToolCallExtra,
  type ToolCallHandler,
} from '../../server/gateway/direct-tool-calls.js';

async function open(handler: ToolCallHandler, sdkHandler: ToolCallHandler = handler) {
  const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(CallToolRequestSchema, sdkHandler);
  answerToolCallsDirectly(server, handler);
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const received: JSONRPCMessage[] = [];
  const waiting = new Map<unknown, (m: JSONRPCMessage) => void>();
  client.onmessage = (message) => {
    received.push(message);
    const id = (message as { id?: unknown }).id;
    waiting.get(id)?.(message);
  };
  await server.connect(serverSide);
  await client.start();
  const ask = (message: Record<string, unknown>) =>
    new Promise<JSONRPCMessage>((resolve) => {
      waiting.set(message.id, resolve);
      void client.send({ jsonrpc: '2.0', ...message } as JSONRPCMessage);
    });
  return { server, client, received, ask };
}

const call = (id: number, params: Record<string, unknown> | undefined) => ({ id, method: 'tools/call', params });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('a plain call is answered by the handler once, with the request and a working extra', async (t) => {
  const seen: ToolCallExtra[] = [];
  const { ask } = await open(async (request, extra) => {
    seen.push(extra);
    return { content: [{ type: 'text', text: `${request.params.name}:${JSON.stringify(request.params.arguments)}` }] };
  });
  const answer = await ask(call(1, { name: 'echo', arguments: { a: 1 } }));
  t.deepEqual(answer, { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'echo:{"a":1}' }] } });
  t.is(seen.length, 1);
  t.is(seen[0]!.requestId, 1);
  t.false(seen[0]!.signal.aborted);
});

test('plain calls take the direct path; calls with _meta or a task take the SDK path', async (t) => {
  const ran: string[] = [];
  const answer = (path: string) => async () => (ran.push(path), { content: [{ type: 'text' as const, text: path }] });
  const { ask } = await open(answer('direct'), answer('sdk'));
  await ask(call(1, { name: 'a' }));
  await ask(call(2, { name: 'a', arguments: { x: 1 } }));
  await ask(call(3, { name: 'a', _meta: { progressToken: 1 } }));
  await ask(call(4, { name: 'a', _meta: {} }));
  t.deepEqual(ran, ['direct', 'direct', 'sdk', 'sdk']);
});

test('malformed calls are refused with invalid params saying what is wrong; the handler never runs', async (t) => {
  let runs = 0;
  const { ask } = await open(async () => (runs++, { content: [] }));
  for (const [id, params, says] of [
    [1, { arguments: {} }, /params\.name must be a string/],
    [2, { name: 'x', arguments: [1, 2] }, /params\.arguments must be an object/],
    [3, { name: 7 }, /params\.name must be a string/],
    [4, undefined, /params must be an object/],
    [5, { name: 'x', arguments: 'a=1' }, /params\.arguments must be an object/],
  ] as const) {
    const answer = (await ask(call(id, params as never))) as { error?: { code: number; message: string } };
    t.is(answer.error?.code, -32602, JSON.stringify(params));
    t.regex(answer.error?.message ?? '', says);
    t.notRegex(answer.error?.message ?? '', /invalid_type|expected/, 'no zod issue list');
  }
  t.is(runs, 0);
});

test("a handler's errors read exactly as on the SDK's path", async (t) => {
  const failures: unknown[] = [
    Object.assign(new Error('bad arguments'), { code: -32602, data: { problems: ['x'] } }),
    new Error('boom'),
    'a string',
    { code: 1.5, message: 'odd code' },
  ];
  const { ask } = await open(async (request) => {
    throw failures[Number(request.params.name)];
  });
  for (let i = 0; i < failures.length; i++) {
    const direct = (await ask(call(10 + i, { name: String(i) }))) as { error: unknown };
    // `_meta` sends the same call down the SDK's path.
    const sdk = (await ask(call(20 + i, { name: String(i), _meta: {} }))) as { error: unknown };
    t.deepEqual(direct.error, sdk.error, `failure ${i}`);
  }
});

test('notifications/cancelled aborts the call and no response is sent', async (t) => {
  let signal: AbortSignal | undefined;
  const { client, received } = await open(
    (_request, extra) =>
      new Promise((resolve) => {
        signal = extra.signal;
        extra.signal.addEventListener('abort', () => resolve({ content: [{ type: 'text', text: 'late' }] }));
      }),
  );
  await client.send({ jsonrpc: '2.0', ...call(1, { name: 'slow' }) } as JSONRPCMessage);
  await settle();
  await client.send({
    jsonrpc: '2.0',
    method: 'notifications/cancelled',
    params: { requestId: 1, reason: 'user' },
  } as JSONRPCMessage);
  await settle();
  t.true(signal?.aborted);
  t.is(signal?.reason, 'user');
  t.deepEqual(received, [], 'nothing answered the cancelled call');
});

test('a call cancelled before it read its signal still gets an aborted one', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let aborted: boolean | undefined;
  const { client, received } = await open(async (_request, extra) => {
    await gate;
    aborted = extra.signal.aborted;
    return { content: [] };
  });
  await client.send({ jsonrpc: '2.0', ...call(1, { name: 'x' }) } as JSONRPCMessage);
  await client.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } } as JSONRPCMessage);
  release();
  await settle();
  t.true(aborted);
  t.deepEqual(received, []);
});

test('closing the session aborts calls under way', async (t) => {
  let signal: AbortSignal | undefined;
  const { client, server } = await open(
    (_request, extra) =>
      new Promise(() => {
        signal = extra.signal;
      }),
  );
  await client.send({ jsonrpc: '2.0', ...call(1, { name: 'hang' }) } as JSONRPCMessage);
  await settle();
  t.false(signal?.aborted);
  await server.close();
  t.true(signal?.aborted);
});
