// The SDK's HTTP client transports share one AbortSignal across all their requests, and undici leaves a listener
// on it per request: thousands of calls to an HTTP upstream used to end in MaxListenersExceededWarning. The
// gateway's upstream transports use isolatingFetch; so does this test's own client, so any warning is a leak.
import { getEventListeners } from 'node:events';
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { isolatingFetch } from '../../server/upstream/isolating-fetch.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { startHttpFixture } from '../helpers/fixtures.js';
import { startGateway } from '../helpers/gateway.js';

test('thousands of calls to an HTTP upstream leave no abort listeners behind', async (t) => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));

  const fixture = await startHttpFixture('http', { FIXTURE_NAME: 'remote' });
  t.teardown(() => fixture.close());
  const gw = await startGateway({ mcpServers: { remote: { url: fixture.url } } });
  t.teardown(() => gw.close());
  const client = await connectClient(
    new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), { fetch: isolatingFetch }),
  );
  // undici raises the limit on its signals to 1500; go past it.
  for (let i = 0; i < 1700; i++) await client.callTool({ name: 'remote__echo', arguments: { text: `${i}` } });
  t.is(firstText(await client.callTool({ name: 'remote__echo', arguments: { text: 'last' } })), 'last');
  // The shared signal of the gateway's upstream transport (an SDK private field; what leaked is exactly that).
  const upstream = gw.gateway.upstreams.get('remote') as unknown as {
    connection: { transport: { _abortController?: AbortController } };
  };
  const shared = upstream.connection.transport._abortController?.signal;
  t.truthy(shared, 'the SDK transport still keeps a shared AbortController');
  t.true(getEventListeners(shared!, 'abort').length < 50, `${getEventListeners(shared!, 'abort').length} listeners`);
  t.deepEqual(
    warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')),
    [],
  );
  await client.close();
});
