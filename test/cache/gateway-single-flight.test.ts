// Single-flight through the real gateway (Koa app, Streamable HTTP, the SDK client) in front of the echo fixture
// over stdio: identical concurrent calls of a read-only tool reach the upstream once, counted by the fixture itself.
import test from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CACHE_META_KEY } from '../../server/cache/index.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway } from '../helpers/gateway.js';

const N = 20;

const cacheMeta = (result: CallToolResult) => result._meta?.[CACHE_META_KEY] as { layer: string } | undefined;

async function fixtureCalls(client: Client): Promise<Record<string, number>> {
  // `stats` is not read-only, so it is never cached (and it drops the server's entries after it ran).
  const result = (await client.callTool({ name: 'echo__stats', arguments: {} })) as CallToolResult;
  return (JSON.parse(firstText(result)) as { calls: Record<string, number> }).calls;
}

test(`${N} concurrent identical calls of a read-only tool reach the upstream once`, async (t) => {
  // The latency keeps the first call under way while the others arrive, so they must join it, not miss L1.
  const gateway = await startGateway({ mcpServers: { echo: stdioFixtureConfig({ FIXTURE_LATENCY_MS: '300' }) } });
  t.teardown(() => gateway.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(() => client.close());
  const cache = gateway.gateway.cache!;
  t.truthy(cache, 'the cache is on by default');

  const call = () => client.callTool({ name: 'echo__echo', arguments: { text: 'same' } }) as Promise<CallToolResult>;
  const results = await Promise.all(Array.from({ length: N }, call));
  for (const result of results) {
    t.is(firstText(result), 'same');
    t.falsy(result.isError);
    // A joined call shares the upstream's answer; one arriving after it was stored is an L1 hit, and says so.
    const meta = cacheMeta(result);
    if (meta) t.is(meta.layer, 'l1');
  }
  const { upstream, l1 } = cache.stats();
  t.is(upstream.fetches, 1, 'one upstream call for the cacheable tool');
  t.is(upstream.coalesced + l1.hits, N - 1, 'every other call joined it or was served from L1');

  const again = (await call()) as CallToolResult;
  t.is(firstText(again), 'same');
  t.like(cacheMeta(again), { layer: 'l1' });

  t.is((await fixtureCalls(client)).echo, 1, 'the fixture saw one echo call');
});

test('different arguments are different calls; the order of arguments is not a difference', async (t) => {
  const gateway = await startGateway({ mcpServers: { echo: stdioFixtureConfig() } });
  t.teardown(() => gateway.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(() => client.close());

  const texts = ['a', 'b', 'a', 'c', 'b'];
  const results = (await Promise.all(
    texts.map((text) => client.callTool({ name: 'echo__echo', arguments: { text } })),
  )) as CallToolResult[];
  t.deepEqual(results.map(firstText), texts);
  // An argument order change is the same call (canonical JSON).
  const sum = () => client.callTool({ name: 'echo__add', arguments: { a: 1, b: 2 } }) as Promise<CallToolResult>;
  const swapped = () => client.callTool({ name: 'echo__add', arguments: { b: 2, a: 1 } }) as Promise<CallToolResult>;
  t.is(firstText(await sum()), '3');
  const second = await swapped();
  t.is(firstText(second), '3');
  t.like(cacheMeta(second), { layer: 'l1' });

  t.deepEqual(await fixtureCalls(client), { echo: 3, add: 1, stats: 1 });
});
