// The Streamable HTTP fast path (server/http/fast-path.ts) against the real gateway and raw HTTP: what it answers
// as one JSON body, and everything it must leave to the SDK's path, with the SDK's own answers.
import { randomUUID } from 'node:crypto';
import anyTest, { type TestFn } from 'ava';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, tempDir, type InProcessGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { INITIALIZE, openSession, post, sseMessages, type Posted } from '../helpers/raw-mcp.js';

interface Context {
  gateway: InProcessGateway;
  mcp: string;
  key: string;
  session: string;
}
const test = anyTest as TestFn<Context>;

const TOKEN = 'fast-path-test-token';
const VERSION = '2025-06-18';

test.before(async (t) => {
  const dataDir = await tempDir('localmcp-fast-path-');
  const { key } = await new KeyStore(keyFilePath(dataDir)).create({ name: 'other', scopes: ['server:*'] });
  const gateway = await startGateway(
    { gateway: { token: TOKEN }, mcpServers: { up: stdioFixtureConfig({ FIXTURE_NAME: 'up' }) } },
    { dataDir },
  );
  const mcp = `${gateway.url}/mcp`;
  t.context = { gateway, mcp, key, session: await openSession(mcp, TOKEN) };
});

test.after.always(async (t) => {
  await t.context.gateway?.close();
});

/** A POST in the test's session, with the token, as the SDK client sends it. */
const inSession = (t: { context: Context }, body: unknown, headers: Record<string, string> = {}) =>
  post(t.context.mcp, body, {
    authorization: `Bearer ${TOKEN}`,
    'mcp-session-id': t.context.session,
    'mcp-protocol-version': VERSION,
    ...headers,
  });

const call = (id: number | string, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
});

/** A result without `_meta` (the cache marks hits there, with their age). */
const bare = (result: unknown) => {
  const { _meta: _dropped, ...rest } = result as Record<string, unknown>;
  return rest;
};

test('a tools/call is answered as one JSON body, with the result the SDK path gives', async (t) => {
  const fast = await inSession(t, call(7, 'up__echo', { text: 'hello' }));
  t.is(fast.status, 200);
  t.is(fast.type, 'application/json');
  t.is(fast.headers.get('mcp-session-id'), t.context.session);
  t.is(Number(fast.headers.get('content-length')), Buffer.byteLength(fast.text));
  const answer = JSON.parse(fast.text) as { jsonrpc: string; id: number; result: unknown };
  t.deepEqual(Object.keys(answer), ['result', 'jsonrpc', 'id'], 'the SDK serialises responses in this order');
  t.is(answer.jsonrpc, '2.0');
  t.is(answer.id, 7);
  t.deepEqual(bare(answer.result), { content: [{ type: 'text', text: 'hello' }] });

  // A batch of one takes the SDK's path (an event stream): the same result.
  const sdk = await inSession(t, [call(8, 'up__echo', { text: 'hello' })]);
  t.is(sdk.type, 'text/event-stream');
  const [viaSdk] = sseMessages(sdk) as Array<{ id: number; result: unknown }>;
  t.is(viaSdk!.id, 8);
  t.deepEqual(bare(viaSdk!.result), bare(answer.result));
});

test('string ids, tools/list and ping are answered as JSON too', async (t) => {
  const list = await inSession(t, { jsonrpc: '2.0', id: 'list-1', method: 'tools/list' });
  t.is(list.type, 'application/json');
  const listed = JSON.parse(list.text) as { id: string; result: { tools: Array<{ name: string }> } };
  t.is(listed.id, 'list-1');
  t.true(listed.result.tools.some((tool) => tool.name === 'up__echo'));
  const ping = await inSession(t, { jsonrpc: '2.0', id: 3, method: 'ping', params: {} });
  t.is(ping.type, 'application/json');
  t.deepEqual(JSON.parse(ping.text), { result: {}, jsonrpc: '2.0', id: 3 });
});

test('errors are JSON-RPC errors in the JSON body', async (t) => {
  const unknown = await inSession(t, call(9, 'up__no_such_tool', {}));
  t.is(unknown.status, 200);
  t.is(unknown.type, 'application/json');
  const answer = JSON.parse(unknown.text) as { id: number; error: { code: number; message: string } };
  t.is(answer.id, 9);
  t.true(Number.isInteger(answer.error.code));
  t.regex(answer.error.message, /Unknown tool/);
  // A tool's own failure is a result with isError, as on every path.
  const failed = JSON.parse((await inSession(t, call(10, 'up__fail', { message: 'nope' }))).text) as {
    result: { isError: boolean };
  };
  t.true(failed.result.isError);
});

test('the session id is required, and an unknown one is 404', async (t) => {
  const missing = await post(t.context.mcp, call(11, 'up__echo', { text: 'x' }), { authorization: `Bearer ${TOKEN}` });
  t.is(missing.status, 400);
  t.regex(missing.text, /initialize/);
  const unknown = await post(t.context.mcp, call(12, 'up__echo', { text: 'x' }), {
    authorization: `Bearer ${TOKEN}`,
    'mcp-session-id': randomUUID(),
  });
  t.is(unknown.status, 404);
  t.regex(unknown.text, /session not found/);
});

test('notifications and client responses are 202 with no body', async (t) => {
  const notification = await inSession(t, { jsonrpc: '2.0', method: 'notifications/initialized' });
  t.is(notification.status, 202);
  t.is(notification.text, '');
  const response = await inSession(t, { jsonrpc: '2.0', id: 'server-asked', result: {} });
  t.is(response.status, 202);
  t.is(response.text, '');
});

test('a request with a progress token streams its progress, then its result', async (t) => {
  const streamed = await inSession(t, call(13, 'up__slow', { ms: 300, steps: 2 }, { progressToken: 'tok' }));
  t.is(streamed.type, 'text/event-stream');
  const messages = sseMessages(streamed) as Array<{ method?: string; id?: number; params?: { progressToken: string } }>;
  const progress = messages.filter((m) => m.method === 'notifications/progress');
  t.true(progress.length >= 1);
  t.true(progress.every((m) => m.params!.progressToken === 'tok'));
  t.is(messages.at(-1)!.id, 13);
});

test('a batch, initialize and methods outside the fast path get the SDK path and its answers', async (t) => {
  const batch = await inSession(t, [
    { jsonrpc: '2.0', id: 20, method: 'tools/list' },
    call(21, 'up__echo', { text: 'b' }),
  ]);
  t.is(batch.type, 'text/event-stream');
  t.deepEqual((sseMessages(batch) as Array<{ id: number }>).map((m) => m.id).sort(), [20, 21]);
  // No logging capability: the SDK's Server answers MethodNotFound, on its event stream.
  const other = await inSession(t, { jsonrpc: '2.0', id: 22, method: 'logging/setLevel', params: { level: 'info' } });
  t.is(other.type, 'text/event-stream');
  t.is((sseMessages(other)[0] as { error: { code: number } }).error.code, -32601);
  const again = await inSession(t, { ...INITIALIZE, id: 23 });
  t.is(again.status, 400);
  t.regex(again.text, /already initialized/);
});

test('what the SDK refuses is still refused in its words', async (t) => {
  const version = await inSession(t, call(30, 'up__echo', { text: 'v' }), { 'mcp-protocol-version': '1999-01-01' });
  t.is(version.status, 400);
  t.regex(version.text, /Unsupported protocol version/);
  const jsonOnly = await inSession(t, call(31, 'up__echo', { text: 'a' }), { accept: 'application/json' });
  t.is(jsonOnly.status, 406);
  const plain = await inSession(t, call(32, 'up__echo', { text: 'c' }), { 'content-type': 'text/plain' });
  t.is(plain.status, 415);
  const extraKey = await inSession(t, { ...call(33, 'up__echo', { text: 'k' }), extra: true });
  t.is(extraKey.status, 400);
  t.regex(extraKey.text, /Invalid JSON-RPC message/);
});

test('cancelling a fast-path call cancels it upstream and ends its HTTP answer empty', async (t) => {
  const stats = async () =>
    JSON.parse(
      (
        JSON.parse((await inSession(t, call(randomUUID(), 'up__stats', {}))).text) as {
          result: { content: [{ text: string }] };
        }
      ).result.content[0].text,
    ) as { cancelled: number };
  const before = (await stats()).cancelled;
  const pending = inSession(t, call(40, 'up__slow', { ms: 20_000 }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const cancel = await inSession(t, {
    jsonrpc: '2.0',
    method: 'notifications/cancelled',
    params: { requestId: 40, reason: 'test' },
  });
  t.is(cancel.status, 202);
  const ended: Posted = await pending;
  t.is(ended.status, 200);
  t.is(ended.type, 'text/event-stream');
  t.is(ended.text, '', 'no response for a cancelled request (spec: cancellation)');
  await waitFor(async () => (await stats()).cancelled > before, { message: 'the upstream saw the cancellation' });
  t.pass();
});

test('authentication and session ownership apply to the fast path', async (t) => {
  const body = call(50, 'up__echo', { text: 'mine' });
  const session = { 'mcp-session-id': t.context.session, 'mcp-protocol-version': VERSION };
  const anonymous = await post(t.context.mcp, body, session);
  t.is(anonymous.status, 401);
  const wrong = await post(t.context.mcp, body, { ...session, authorization: 'Bearer not-the-token' });
  t.is(wrong.status, 401);
  // An API key is another principal: it may not use a session the static token opened.
  const other = await post(t.context.mcp, body, { ...session, authorization: `Bearer ${t.context.key}` });
  t.is(other.status, 403);
  t.regex(other.text, /another principal/);
  const owner = await inSession(t, body);
  t.is(owner.type, 'application/json');
});

test('a deleted session is gone for the fast path', async (t) => {
  const session = await openSession(t.context.mcp, TOKEN);
  const headers = { authorization: `Bearer ${TOKEN}`, 'mcp-session-id': session, 'mcp-protocol-version': VERSION };
  t.is((await post(t.context.mcp, call(60, 'up__echo', { text: 'x' }), headers)).type, 'application/json');
  const deleted = await fetch(t.context.mcp, { method: 'DELETE', headers });
  t.is(deleted.status, 200);
  t.is((await post(t.context.mcp, call(61, 'up__echo', { text: 'x' }), headers)).status, 404);
});
