// Two real `localmcp serve` processes sharing one private redis-server (L2) in front of one echo fixture over
// Streamable HTTP, so the fixture's call count is global: an entry one process stored is served by the other from
// L2; a write on one drops the entries of its server in both; Redis dying mid-traffic costs clients nothing, and
// L2 is used again once Redis is back.
import anyTest, { type TestFn } from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CACHE_META_KEY, type CacheStats } from '../../server/cache/index.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { startHttpFixture, type HttpFixture } from '../helpers/fixtures.js';
import { spawnGateway, writeConfig, type GatewayProcess } from '../helpers/gateway.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { delay, waitFor } from '../helpers/wait.js';

interface Context {
  redis: PrivateRedis;
  fixture: HttpFixture;
  /** Straight to the fixture: its `stats` seen through a gateway would drop the server's cached entries. */
  direct: Client;
  gateways: [GatewayProcess, GatewayProcess];
  clients: [Client, Client];
}
const test = anyTest as TestFn<Context>;

type L2Stats = Extract<CacheStats['l2'], { enabled: true }>;

async function cacheStats(gateway: GatewayProcess): Promise<CacheStats & { l2: L2Stats }> {
  const body = (await (await fetch(`${gateway.url}/api/v1/cache`)).json()) as { stats: CacheStats };
  if (!body.stats.l2.enabled) throw new Error('L2 is not enabled');
  return body.stats as CacheStats & { l2: L2Stats };
}

const l2Live = async (gateway: GatewayProcess) => {
  const { l2 } = await cacheStats(gateway);
  return l2.ready && l2.subscribed;
};

test.before(async (t) => {
  const [redis, fixture] = await Promise.all([startRedis(), startHttpFixture('http', { FIXTURE_NAME: 'web' })]);
  const config = await writeConfig({
    redis: { url: redis.url, keyPrefix: 'cache-e2e:' },
    mcpServers: { web: { url: fixture.url } },
  });
  const gateways = (await Promise.all([spawnGateway(['--config', config]), spawnGateway(['--config', config])])) as [
    GatewayProcess,
    GatewayProcess,
  ];
  const connect = (g: GatewayProcess) => connectClient(new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`)));
  const [a, b, direct] = await Promise.all([
    connect(gateways[0]),
    connect(gateways[1]),
    connectClient(new StreamableHTTPClientTransport(new URL(fixture.url))),
  ]);
  t.context = { redis, fixture, direct, gateways, clients: [a, b] };
  await waitFor(async () => (await l2Live(gateways[0])) && (await l2Live(gateways[1])), {
    message: 'both gateways connected to Redis and subscribed',
  });
});

test.after.always(async (t) => {
  const { clients = [], direct, gateways = [], fixture, redis } = t.context ?? {};
  await Promise.all([...clients, direct].map((c) => c?.close()));
  await Promise.all(gateways.map((g) => g.stop()));
  await Promise.all([fixture?.close(), redis?.stop()]);
});

async function echo(client: Client, text: string): Promise<string> {
  const result = (await client.callTool({ name: 'web__echo', arguments: { text } })) as CallToolResult;
  if (result.isError || firstText(result) !== text) throw new Error(`wrong answer: ${JSON.stringify(result)}`);
  return (result._meta?.[CACHE_META_KEY] as { layer: string } | undefined)?.layer ?? 'upstream';
}

async function fixtureEchoCalls(direct: Client): Promise<number> {
  const result = await direct.callTool({ name: 'stats', arguments: {} });
  return (JSON.parse(firstText(result)) as { calls: Record<string, number> }).calls.echo ?? 0;
}

test.serial('an entry stored by one process is served by the other from L2; a write drops it in both', async (t) => {
  const { clients, gateways, direct } = t.context;
  const [a, b] = clients;
  const before = await fixtureEchoCalls(direct);

  t.is(await echo(a, 'shared'), 'upstream');
  await waitFor(async () => (await cacheStats(gateways[0])).l2.writes >= 1, { message: 'A wrote to L2' });
  t.is(await echo(b, 'shared'), 'l2', 'B has it from Redis');
  t.is(await echo(b, 'shared'), 'l1', 'and keeps a copy in L1');
  t.is(await fixtureEchoCalls(direct), before + 1, 'one upstream call for both processes');
  t.true((await cacheStats(gateways[1])).l2.hits >= 1);

  // A write through B (set_faults is not read-only) drops web's entries in Redis and, over pub/sub, in A's L1.
  const received = (await cacheStats(gateways[0])).l2.invalidationsReceived;
  await b.callTool({ name: 'web__set_faults', arguments: {} });
  await waitFor(async () => (await cacheStats(gateways[0])).l2.invalidationsReceived > received, {
    message: 'A received the invalidation',
  });
  t.is(await echo(a, 'shared'), 'upstream', 'A no longer serves its L1 copy');
  t.is(await fixtureEchoCalls(direct), before + 2);
});

test.serial('Redis killed mid-traffic: no client error, and L2 is used again once Redis is back', async (t) => {
  const { clients, gateways, redis } = t.context;
  const errors: string[] = [];
  let calls = 0;
  let running = true;
  // Sequential calls on both gateways: a third repeat one of a few arguments (L1 hits), the rest are new.
  const traffic = async (client: Client, tag: string) => {
    for (let i = 0; running; i++) {
      const text = i % 3 === 0 ? `hot-${i % 4}` : `${tag}-${i}`;
      try {
        await echo(client, text);
        calls++;
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const loops = [traffic(clients[0], 'a'), traffic(clients[1], 'b')];
  try {
    await waitFor(() => calls >= 40, { message: 'traffic under way' });
    const skippedBefore = (await cacheStats(gateways[0])).l2.skipped;
    await redis.kill();
    const atKill = calls;
    await waitFor(async () => !(await cacheStats(gateways[0])).l2.ready, { message: 'A sees Redis gone' });
    await waitFor(async () => calls >= atKill + 100, { timeoutMs: 30_000, message: 'traffic while Redis is down' });
    t.true((await cacheStats(gateways[0])).l2.skipped > skippedBefore, 'calls went on without L2');
    await delay(200);
    await redis.restart();
    await waitFor(async () => (await l2Live(gateways[0])) && (await l2Live(gateways[1])), {
      timeoutMs: 20_000,
      message: 'both gateways back on Redis',
    });
    const atRestart = calls;
    await waitFor(() => calls >= atRestart + 40, { message: 'traffic after the restart' });
  } finally {
    running = false;
    await Promise.all(loops);
  }
  t.deepEqual(errors, [], 'no client saw an error');

  // L2 resumes: a call stored by A after the restart is served to B from Redis.
  const hitsBefore = (await cacheStats(gateways[1])).l2.hits;
  let probe = 0;
  await waitFor(
    async () => {
      const text = `after-restart-${++probe}`;
      const writes = (await cacheStats(gateways[0])).l2.writes;
      await echo(clients[0], text);
      // The L2 write is in the background; a write skipped (Redis cooling down) throws here, and the wait retries.
      await waitFor(async () => (await cacheStats(gateways[0])).l2.writes > writes, { timeoutMs: 2_000 });
      return (await echo(clients[1], text)) === 'l2';
    },
    { timeoutMs: 20_000, intervalMs: 100, message: 'an L2 hit on B after the restart' },
  );
  t.true((await cacheStats(gateways[1])).l2.hits > hitsBefore, 'GET /api/v1/cache shows the new L2 hit');
});
