// The cache part of the admin API (/api/v1/cache, /api/v1/cache/clear, the cache in /api/v1/status) on the real
// gateway and Koa app, in front of two echo fixtures over stdio.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CACHE_META_KEY, type CacheStats } from '../../server/cache/index.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway } from '../helpers/gateway.js';

interface CacheView {
  enabled: boolean;
  stats?: CacheStats;
}

const post = (url: string, body?: string) =>
  fetch(url, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
  });

test('GET /cache shows per-layer stats; POST /cache/clear drops one server or all; status carries the cache', async (t) => {
  const gateway = await startGateway({
    mcpServers: { one: stdioFixtureConfig({ FIXTURE_NAME: 'one' }), two: stdioFixtureConfig({ FIXTURE_NAME: 'two' }) },
  });
  t.teardown(() => gateway.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(() => client.close());
  const api = `${gateway.url}/api/v1`;
  const echo = async (server: string, text: string) => {
    const result = (await client.callTool({ name: `${server}__echo`, arguments: { text } })) as CallToolResult;
    t.is(firstText(result), text);
    return (result._meta?.[CACHE_META_KEY] as { layer: string } | undefined)?.layer ?? 'upstream';
  };

  for (const server of ['one', 'two']) {
    t.is(await echo(server, 'x'), 'upstream');
    t.is(await echo(server, 'y'), 'upstream');
    t.is(await echo(server, 'x'), 'l1');
  }
  const view = (await (await fetch(`${api}/cache`)).json()) as CacheView;
  t.true(view.enabled);
  t.like(view.stats!.l1, { hits: 2, misses: 4, entries: 4, evictions: 0 });
  t.true(view.stats!.l1.bytes > 0);
  t.like(view.stats!.upstream, { fetches: 4 });
  t.deepEqual(view.stats!.l2, { enabled: false }, 'no redis section: no L2');

  const status = (await (await fetch(`${api}/status`)).json()) as { cache: CacheView };
  t.true(status.cache.enabled);
  t.is(status.cache.stats!.l1.entries, 4);

  const one = await post(`${api}/cache/clear`, JSON.stringify({ server: 'one' }));
  t.is(one.status, 200);
  t.like(await one.json(), { cleared: { server: 'one' }, removed: { l1: 2, l2: 0, l3: 0 } });
  t.is(await echo('one', 'x'), 'upstream', 'cleared: back to the upstream');
  t.is(await echo('two', 'x'), 'l1', 'the other server keeps its entries');

  const unknown = await post(`${api}/cache/clear`, JSON.stringify({ server: 'ghost' }));
  t.is(unknown.status, 404);
  t.regex(JSON.stringify(await unknown.json()), /no upstream server \\"ghost\\"/);
  t.is((await post(`${api}/cache/clear`, JSON.stringify({ server: 3 }))).status, 400);
  t.is((await post(`${api}/cache/clear`, '{nope')).status, 400);

  // No body at all clears everything.
  const all = await post(`${api}/cache/clear`);
  t.is(all.status, 200);
  t.like(await all.json(), { cleared: { server: '*' }, removed: { l1: 3 } });
  t.is(await echo('two', 'x'), 'upstream');
});

test('with cache.enabled false: GET /cache says so and POST /cache/clear is 409', async (t) => {
  const gateway = await startGateway({ cache: { enabled: false }, mcpServers: {} });
  t.teardown(() => gateway.close());
  const api = `${gateway.url}/api/v1`;
  t.deepEqual(await (await fetch(`${api}/cache`)).json(), { enabled: false });
  const status = (await (await fetch(`${api}/status`)).json()) as { cache: CacheView };
  t.deepEqual(status.cache, { enabled: false });
  const clear = await post(`${api}/cache/clear`, '{}');
  t.is(clear.status, 409);
  t.regex(JSON.stringify(await clear.json()), /cache is disabled/);
});
