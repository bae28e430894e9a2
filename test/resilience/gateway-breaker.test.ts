// The breaker in the real gateway: a failing upstream trips its circuit, later calls are refused without reaching
// it (with a message naming the server and when to retry), and a healthy upstream next to it is untouched.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway } from '../helpers/gateway.js';

test('a failing upstream trips its circuit; calls then fail fast; its neighbour keeps working', async (t) => {
  const gw = await startGateway({
    resilience: { options: { server: { failureThreshold: 3, openMs: 60_000 } }, fallbacks: { chain: [] } },
    mcpServers: {
      broken: stdioFixtureConfig({ FIXTURE_NAME: 'broken', FIXTURE_FAILURE_RATE: '1' }),
      healthy: stdioFixtureConfig({ FIXTURE_NAME: 'healthy' }),
    },
  });
  t.teardown(() => gw.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));

  for (let i = 0; i < 3; i++) {
    const error = await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }));
    t.regex(error!.message, /\[broken\] Injected failure/, 'the upstream answered (and failed)');
  }
  const refused = await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }));
  t.regex(refused!.message, /upstream "broken" is unavailable \(circuit OPEN\); retry in 60 s/);
  t.notRegex(refused!.message, /Injected failure/, 'the refused call never reached the upstream');

  t.is(firstText(await client.callTool({ name: 'healthy__echo', arguments: { text: 'fine' } })), 'fine');
  const ready = (await (await fetch(`${gw.url}/readyz`)).json()) as { breakers: Record<string, { state?: string }> };
  t.is(JSON.stringify(ready.breakers.broken).includes('OPEN'), true);
  await client.close();
});

test('resilience.policy none sends every call through', async (t) => {
  const gw = await startGateway({
    resilience: { policy: 'none', fallbacks: { chain: [] } },
    mcpServers: { broken: stdioFixtureConfig({ FIXTURE_NAME: 'broken', FIXTURE_FAILURE_RATE: '1' }) },
  });
  t.teardown(() => gw.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
  for (let i = 0; i < 8; i++) {
    const error = await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }));
    t.regex(error!.message, /Injected failure/);
  }
  await client.close();
});
