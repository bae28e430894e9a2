// What passes through the gateway besides plain calls: progress, cancellation, list changes, upstream errors
// (naming the server), tool results with isError, and session lifecycle.
import anyTest, { type TestFn } from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, type InProcessGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const test = anyTest as TestFn<{ gw: InProcessGateway; client: Client }>;

test.before(async (t) => {
  t.context.gw = await startGateway({
    mcpServers: {
      up: stdioFixtureConfig({ FIXTURE_NAME: 'up' }),
      broken: stdioFixtureConfig({ FIXTURE_NAME: 'broken', FIXTURE_FAILURE_RATE: '1' }),
    },
  });
  t.context.client = await connectClient(new StreamableHTTPClientTransport(new URL(`${t.context.gw.url}/mcp`)));
});
test.after.always(async (t) => {
  await t.context.client?.close();
  await t.context.gw?.close();
});

const stats = async (client: Client) =>
  JSON.parse(firstText(await client.callTool({ name: 'up__stats', arguments: {} }))) as { cancelled: number };

test.serial('progress notifications from the upstream reach the client under its own token', async (t) => {
  const seen: Array<{ progress: number; total?: number; message?: string }> = [];
  const result = await t.context.client.callTool({ name: 'up__slow', arguments: { ms: 400, steps: 3 } }, undefined, {
    onprogress: (p) => seen.push(p),
  });
  t.is(firstText(result), 'slept 400 ms in 3 steps');
  // The SDK client handles a notification a microtask after a response in the same chunk, so on a loaded
  // machine the last one can race the result; every one that arrives must be the upstream's, in order.
  t.true(seen.length >= 1, 'progress reached the client');
  seen.forEach((p, i) => t.deepEqual([p.progress, p.total, p.message], [i + 1, 3, `step ${i + 1} of 3`]));
});

test.serial('cancelling a call cancels it upstream', async (t) => {
  const before = (await stats(t.context.client)).cancelled;
  const controller = new AbortController();
  const call = t.context.client.callTool({ name: 'up__slow', arguments: { ms: 20_000 } }, undefined, {
    signal: controller.signal,
  });
  setTimeout(() => controller.abort('changed my mind'), 300);
  await t.throwsAsync(call);
  await waitFor(async () => (await stats(t.context.client)).cancelled > before, {
    message: 'the upstream saw the cancellation',
  });
  t.pass();
});

test.serial('an upstream list change is announced downstream and the new tool is callable', async (t) => {
  let changed = 0;
  t.context.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
  await t.context.client.callTool({ name: 'up__add_tool', arguments: { name: 'fresh' } });
  await waitFor(() => changed > 0, { message: 'tools/list_changed' });
  const { tools } = await t.context.client.listTools();
  t.true(tools.some((tool) => tool.name === 'up__fresh'));
  t.is(firstText(await t.context.client.callTool({ name: 'up__fresh', arguments: { x: 1 } })), '{"x":1}');
});

test.serial('upstream JSON-RPC errors come back as MCP errors naming the server', async (t) => {
  const error = await t.throwsAsync(t.context.client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }), {
    instanceOf: McpError,
  });
  t.regex(error!.message, /\[broken\]/);
  t.notRegex(error!.message, /MCP error -?\d+: .*MCP error/, 'the SDK prefix is not repeated');
});

test.serial('tool results with isError pass through unchanged', async (t) => {
  const result = await t.context.client.callTool({ name: 'up__fail', arguments: { message: 'nope' } });
  t.true(result.isError);
  t.is(firstText(result), 'nope');
});

test.serial('DELETE ends a Streamable HTTP session', async (t) => {
  const transport = new StreamableHTTPClientTransport(new URL(`${t.context.gw.url}/mcp`));
  const client = await connectClient(transport);
  const sessionId = transport.sessionId!;
  t.truthy(sessionId);
  await transport.terminateSession();
  const after = await fetch(`${t.context.gw.url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': sessionId,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
  });
  t.is(after.status, 404);
  await client.close();
});
