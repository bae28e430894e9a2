// Session and process lifecycle: graceful shutdown finishes in-flight calls, idle sessions expire, stateless
// mode serves without sessions, and an HTTP upstream that goes away is reconnected when it comes back.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { startHttpFixture, stdioFixtureConfig } from '../helpers/fixtures.js';
import { spawnGateway, startGateway, writeConfig } from '../helpers/gateway.js';
import { freePort } from '../helpers/process.js';
import { delay, waitFor } from '../helpers/wait.js';

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

test('SIGTERM lets an in-flight call finish, refuses new work, then exits 0', async (t) => {
  const file = await writeConfig({ mcpServers: { echo: stdioFixtureConfig() } });
  const gateway = await spawnGateway(['--config', file]);
  t.teardown(() => gateway.stop('SIGKILL'));
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  const call = client.callTool({ name: 'echo__slow', arguments: { ms: 1500, steps: 1 } });
  await delay(300);
  const exited = gateway.stop('SIGTERM');
  await delay(200);
  const late = await fetch(`${gateway.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: '{}' }).catch(
    (error: unknown) => error,
  );
  t.true(late instanceof Error || (late as Response).status === 503, 'no new work is accepted while draining');
  t.is(firstText(await call), 'slept 1500 ms in 1 steps', 'the in-flight call completed');
  t.is(await exited, 0);
});

test('idle Streamable HTTP sessions expire', async (t) => {
  const gw = await startGateway({ gateway: { sessionIdleMs: 500 }, mcpServers: { echo: stdioFixtureConfig() } });
  t.teardown(() => gw.close());
  const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`));
  const client = await connectClient(transport);
  t.is(firstText(await client.callTool({ name: 'echo__echo', arguments: { text: 'alive' } })), 'alive');
  const sessionId = transport.sessionId!;
  // Any request would refresh the session, so wait untouched: idle 500 ms + one sweep (every 1 s) + margin.
  await delay(3000);
  const res = await fetch(`${gw.url}/mcp`, {
    method: 'POST',
    headers: { ...MCP_HEADERS, 'mcp-session-id': sessionId },
    body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping' }),
  });
  await res.body?.cancel();
  const status = res.status;
  t.is(status, 404);
});

test('stateless mode serves calls without sessions', async (t) => {
  const gw = await startGateway({ gateway: { stateless: true }, mcpServers: { echo: stdioFixtureConfig() } });
  t.teardown(() => gw.close());
  const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`));
  const client = await connectClient(transport);
  t.is(transport.sessionId, undefined);
  t.is(firstText(await client.callTool({ name: 'echo__add', arguments: { a: 1, b: 2 } })), '3');
  t.true((await client.listTools()).tools.some((tool) => tool.name === 'echo__echo'));
  t.is((await fetch(`${gw.url}/mcp`)).status, 405);
  await client.close();
});

test('an HTTP upstream that goes away is reconnected when it comes back', async (t) => {
  const port = await freePort();
  let fixture = await startHttpFixture('http', { FIXTURE_NAME: 'remote' }, port);
  t.teardown(() => fixture.close());
  const gw = await startGateway({
    // Errors, not fallback answers, are what this test watches for.
    resilience: { fallbacks: { chain: [] } },
    mcpServers: { remote: { url: fixture.url, restart: { initialDelayMs: 100, maxDelayMs: 500 } } },
  });
  t.teardown(() => gw.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
  t.is(firstText(await client.callTool({ name: 'remote__echo', arguments: { text: 'one' } })), 'one');

  await fixture.close();
  const error = await t.throwsAsync(client.callTool({ name: 'remote__echo', arguments: { text: 'two' } }));
  t.regex(error!.message, /remote/);
  await waitFor(() => gw.gateway.upstreams.get('remote')!.state !== 'ready', { message: 'marked down' });

  fixture = await startHttpFixture('http', { FIXTURE_NAME: 'remote' }, port);
  const text = await waitFor(
    async () => {
      try {
        return firstText(await client.callTool({ name: 'remote__echo', arguments: { text: 'three' } }));
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 15_000, message: 'the upstream reconnected' },
  );
  t.is(text, 'three');
  t.true(gw.gateway.upstreams.get('remote')!.status().restarts >= 1);
  await client.close();
});
