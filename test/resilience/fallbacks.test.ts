// The fallback chain in the real gateway: an equivalent tool on a healthy server answers for a failing one
// (opt-in), and otherwise the model gets a structured degraded answer that says what failed and what to do.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway } from '../helpers/gateway.js';

type Fallback = { kind: string; tool?: string; server?: string; alternatives?: string[]; reason?: string };
const fallbackOf = (result: CallToolResult) => result._meta?.['localmcp/fallback'] as Fallback | undefined;

async function gatewayWith(fallbacks: Record<string, unknown>) {
  const gw = await startGateway({
    resilience: { options: { server: { failureThreshold: 2, openMs: 60_000 } }, fallbacks },
    mcpServers: {
      primary: stdioFixtureConfig({ FIXTURE_NAME: 'primary', FIXTURE_FAILURE_RATE: '1', FIXTURE_FAULT_TOOLS: 'echo' }),
      mirror: stdioFixtureConfig({ FIXTURE_NAME: 'mirror' }),
    },
  });
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
  return { gw, client, close: async () => (await client.close(), await gw.close()) };
}

test('an equivalent tool on a healthy server answers for a failing one, and says so', async (t) => {
  const { gw, client, close } = await gatewayWith({ chain: ['equivalent', 'degraded'] });
  t.teardown(close);
  const served: string[] = [];
  gw.gateway.events.on('fallback:served', (event) => served.push(`${event.name}:${event.kind}`));
  // The upstream's own error answers pass through (it is alive and has spoken) until they trip the circuit...
  for (let i = 0; i < 2; i++) {
    await t.throwsAsync(client.callTool({ name: 'primary__echo', arguments: { text: 'x' } }), {
      message: /\[primary\] Injected failure/,
    });
  }
  t.is(gw.gateway.breaker!.state!({ server: 'primary' }), 'OPEN');
  // ...then the refused calls are answered by the mirror.
  for (let i = 0; i < 3; i++) {
    const result = (await client.callTool({
      name: 'primary__echo',
      arguments: { text: `hello ${i}` },
    })) as CallToolResult;
    t.is(firstText(result), `hello ${i}`);
    t.like(fallbackOf(result), { kind: 'equivalent', tool: 'mirror__echo', server: 'mirror' });
  }
  t.deepEqual(served, Array(3).fill('primary__echo:equivalent'));
});

test('the degraded answer names the failure, the wait and similar tools; a caller mistake gets no fallback', async (t) => {
  const { client, close } = await gatewayWith({ chain: ['degraded'] });
  t.teardown(close);
  for (let i = 0; i < 2; i++) {
    await t.throwsAsync(client.callTool({ name: 'primary__echo', arguments: { text: 'a' } }), {
      message: /\[primary\] Injected failure/,
    });
  }
  const refused = (await client.callTool({ name: 'primary__echo', arguments: { text: 'c' } })) as CallToolResult;
  t.true(refused.isError);
  t.regex(
    firstText(refused),
    /Tool "primary__echo" is unavailable right now, so nothing was run: upstream "primary" is unavailable \(circuit OPEN\).*It may be back in about 60 s/s,
  );
  t.like(fallbackOf(refused), { kind: 'degraded' });
  t.true(fallbackOf(refused)!.alternatives!.includes('mirror__echo'), 'the mirror is suggested');
  t.true((fallbackOf(refused) as { retryAfterMs?: number }).retryAfterMs! > 50_000);

  // The caller's own mistakes are not fallbacks: a bad argument is still an error about the argument.
  const bad = await t.throwsAsync(client.callTool({ name: 'primary__echo', arguments: { nope: 1 } }));
  t.regex(bad!.message, /Invalid arguments/);
});

test('a per-tool chain overrides the default, and [] lets the error through', async (t) => {
  const { client, close } = await gatewayWith({ chain: ['degraded'], tools: { 'primary/echo': [] } });
  t.teardown(close);
  for (let i = 0; i < 2; i++) await t.throwsAsync(client.callTool({ name: 'primary__echo', arguments: { text: 'a' } }));
  await t.throwsAsync(client.callTool({ name: 'primary__echo', arguments: { text: 'a' } }), {
    message: /circuit OPEN/,
  });
});
