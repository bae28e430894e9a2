// Bad input of each kind gets a clear error, and the gateway keeps serving afterwards.
import { request } from 'node:http';
import anyTest, { type TestFn } from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, type InProcessGateway } from '../helpers/gateway.js';

const test = anyTest as TestFn<{ gw: InProcessGateway }>;

test.before(async (t) => {
  t.context.gw = await startGateway({
    mcpServers: {
      echo: stdioFixtureConfig(),
      ghost: { command: 'definitely-not-a-command-localmcp', restart: { initialDelayMs: 60_000, maxDelayMs: 60_000 } },
    },
  });
});
test.after.always((t) => t.context.gw?.close());

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function post(t: { context: { gw: InProcessGateway } }, body: string, headers: Record<string, string> = {}) {
  return fetch(`${t.context.gw.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body });
}

/** After each bad request, a real client still gets a right answer. */
async function stillServing(t: { context: { gw: InProcessGateway }; is: (a: unknown, b: unknown) => void }) {
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${t.context.gw.url}/mcp`)));
  t.is(firstText(await client.callTool({ name: 'echo__echo', arguments: { text: 'ok' } })), 'ok');
  await client.close();
}

test('an unknown tool is a JSON-RPC invalid-params error naming the tool', async (t) => {
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${t.context.gw.url}/mcp`)));
  const error = await t.throwsAsync(client.callTool({ name: 'nope__missing', arguments: {} }), {
    instanceOf: McpError,
  });
  t.is((error as McpError).code, ErrorCode.InvalidParams);
  t.regex(error!.message, /Unknown tool "nope__missing"/);
  await client.close();
  await stillServing(t);
});

test('an invalid JSON body is a 400 parse error', async (t) => {
  const res = await post(t, '{"jsonrpc": "2.0", "id": 1, "method": ');
  t.is(res.status, 400);
  const body = (await res.json()) as { error: { code: number; message: string } };
  t.is(body.error.code, ErrorCode.ParseError);
  t.regex(body.error.message, /invalid JSON/);
  await stillServing(t);
});

test('a non-MCP request on /mcp is refused with a JSON-RPC error, not a crash', async (t) => {
  const plain = await post(t, JSON.stringify({ hello: 'world' }));
  t.is(plain.status, 400);
  t.regex(((await plain.json()) as { error: { message: string } }).error.message, /initialize/);

  const put = await fetch(`${t.context.gw.url}/mcp`, { method: 'PUT', body: '{}' });
  t.is(put.status, 405);

  const get = await fetch(`${t.context.gw.url}/mcp`);
  t.is(get.status, 400);

  const unknownSession = await post(t, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), {
    'mcp-session-id': 'not-a-session',
  });
  t.is(unknownSession.status, 404);

  // An initialized session fed garbage JSON-RPC: the transport answers 400, the session stays usable.
  const init = await post(t, JSON.stringify(INIT));
  const session = init.headers.get('mcp-session-id')!;
  t.truthy(session);
  const garbage = await post(t, JSON.stringify({ jsonrpc: '2.0', id: 'x', nonsense: true }), {
    'mcp-session-id': session,
  });
  t.is(garbage.status, 400);

  const notFound = await fetch(`${t.context.gw.url}/nothing-here`);
  t.is(notFound.status, 404);
  t.regex(((await notFound.json()) as { error: string }).error, /\/mcp/);
  await stillServing(t);
});

test('a DNS-rebinding Origin or Host is refused with 403', async (t) => {
  const evilOrigin = await post(t, JSON.stringify(INIT), { origin: 'http://evil.example' });
  t.is(evilOrigin.status, 403);
  t.regex(((await evilOrigin.json()) as { error: string }).error, /Origin "http:\/\/evil.example" is not allowed/);
  // fetch() may not override Host, so this one goes through node:http.
  const evilHost = await new Promise<number>((resolve, reject) => {
    const req = request(`${t.context.gw.url}/healthz`, { headers: { host: 'evil.example:7420' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject).end();
  });
  t.is(evilHost, 403);
  const local = await post(t, JSON.stringify(INIT), { origin: 'http://localhost:5173' });
  t.is(local.status, 200);
  await stillServing(t);
});

test('an upstream whose command does not exist shows as down with its error; the others serve', async (t) => {
  const res = await fetch(`${t.context.gw.url}/readyz`);
  t.is(res.status, 200, 'ready: every upstream had its first try');
  const body = (await res.json()) as { upstreams: Array<{ name: string; state: string; lastError?: string }> };
  const ghost = body.upstreams.find((u) => u.name === 'ghost')!;
  t.not(ghost.state, 'ready');
  t.regex(ghost.lastError ?? '', /ENOENT|not found/);
  t.is(body.upstreams.find((u) => u.name === 'echo')!.state, 'ready');
  await stillServing(t);
});

test('an oversize body is refused with 413', async (t) => {
  const res = await post(t, JSON.stringify({ ...INIT, padding: 'x'.repeat(5 * 1024 * 1024) }));
  t.is(res.status, 413);
  await stillServing(t);
});
