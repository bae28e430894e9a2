// Two real `localmcp serve` processes sharing one private Redis: a trip seen by one is honoured by the other,
// a reset on either closes both, a process started later loads the stored state, and Redis dying changes
// nothing for clients.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectClient } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { spawnGateway, writeConfig, type GatewayProcess } from '../helpers/gateway.js';
import { startRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

const stateOf = async (gateway: GatewayProcess, server: string) => {
  const body = (await (await fetch(`${gateway.url}/api/v1/breakers`)).json()) as {
    breakers: Array<{ server: string; state: string }>;
  };
  return body.breakers.find((b) => b.server === server)?.state;
};

test('a trip seen by one gateway process is honoured by another sharing Redis', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const config = await writeConfig({
    redis: { url: redis.url, keyPrefix: 'shared-test:' },
    resilience: { options: { server: { failureThreshold: 2, openMs: 600_000 } }, fallbacks: { chain: [] } },
    mcpServers: { broken: stdioFixtureConfig({ FIXTURE_NAME: 'broken', FIXTURE_FAILURE_RATE: '1' }) },
  });
  const [a, b] = await Promise.all([spawnGateway(['--config', config]), spawnGateway(['--config', config])]);
  t.teardown(async () => void (await Promise.all([a.stop(), b.stop()])));
  const clients: Client[] = [];
  const connect = async (gateway: GatewayProcess) => {
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
    clients.push(client);
    return client;
  };
  t.teardown(async () => void (await Promise.all(clients.map((c) => c.close()))));
  const [clientA, clientB] = await Promise.all([connect(a), connect(b)]);
  const echo = (client: Client) => client.callTool({ name: 'broken__echo', arguments: { text: 'x' } });

  for (let i = 0; i < 2; i++) await t.throwsAsync(echo(clientA), { message: /Injected failure/ });
  t.is(await stateOf(a, 'broken'), 'OPEN');
  await waitFor(async () => (await stateOf(b, 'broken')) === 'OPEN', { timeoutMs: 5_000 });
  const refused = await t.throwsAsync(echo(clientB));
  t.regex(refused!.message, /upstream "broken" is unavailable \(circuit OPEN\); retry in \d+ s/);
  t.notRegex(refused!.message, /Injected failure/, 'B refused without calling its upstream');

  // A process that starts now loads the stored state.
  const c = await spawnGateway(['--config', config]);
  t.teardown(async () => void (await c.stop()));
  t.is(await stateOf(c, 'broken'), 'OPEN');

  // A reset on B closes the circuit on A and C too.
  const reset = await fetch(`${b.url}/api/v1/breakers/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ server: 'broken' }),
  });
  t.is(reset.status, 200);
  await waitFor(async () => (await stateOf(a, 'broken')) === 'CLOSED' && (await stateOf(c, 'broken')) === 'CLOSED', {
    timeoutMs: 5_000,
  });

  // Redis dies: nothing changes for clients; each process keeps tripping on its own.
  await redis.kill();
  for (let i = 0; i < 2; i++) await t.throwsAsync(echo(clientA), { message: /Injected failure/ });
  await t.throwsAsync(echo(clientA), { message: /circuit OPEN/ });
  t.is(await stateOf(b, 'broken'), 'CLOSED', 'without Redis the trip stays local');
  await t.throwsAsync(echo(clientB), { message: /Injected failure/ });
});
