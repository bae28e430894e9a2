// One real `localmcp serve` process in front of two echo fixtures over stdio: an upstream restart drops that
// server's cached results (and only its), so does a tools/list_changed, and `localmcp cache stats|clear` (real
// CLI processes) read and empty the cache through the admin API.
import anyTest, { type TestFn } from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CACHE_META_KEY, type CacheStats } from '../../server/cache/index.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { runCli, spawnGateway, writeConfig, type GatewayProcess } from '../helpers/gateway.js';
import { freePort } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

const ADMIN = 'cache-admin-5678';

interface Context {
  config: string;
  gateway: GatewayProcess;
  client: Client;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  const config = await writeConfig({
    // add_tool changes the tool list; allowing it into the cache keeps it from counting as a write, so the only
    // thing that can drop lister's entries in the list-change test is the list change itself.
    cache: { tools: { allow: ['lister/add_tool'] } },
    mcpServers: {
      echo: stdioFixtureConfig(),
      lister: stdioFixtureConfig({ FIXTURE_NAME: 'lister' }),
    },
  });
  const gateway = await spawnGateway(['--config', config, '--admin-token', ADMIN]);
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.context = { config, gateway, client };
});

test.after.always(async (t) => {
  await t.context.client?.close();
  await t.context.gateway?.stop();
});

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${firstText(result)}`);
  const layer = (result._meta?.[CACHE_META_KEY] as { layer: string } | undefined)?.layer ?? 'upstream';
  return { text: firstText(result), layer };
}

async function admin<T>(gateway: GatewayProcess, path: string): Promise<T> {
  const response = await fetch(`${gateway.url}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

interface UpstreamStatus {
  name: string;
  state: string;
  pid?: number;
  restarts: number;
}

test.serial('an upstream restart drops its cached results, and only its', async (t) => {
  const { client, gateway } = t.context;
  const first = await call(client, 'echo__pid');
  t.is(first.layer, 'upstream');
  t.deepEqual(await call(client, 'echo__pid'), { text: first.text, layer: 'l1' });
  t.is((await call(client, 'echo__echo', { text: 'kept?' })).layer, 'upstream');
  t.is((await call(client, 'lister__echo', { text: 'other' })).layer, 'upstream');
  t.is((await call(client, 'echo__echo', { text: 'kept?' })).layer, 'l1');

  const statusOf = async () =>
    (await admin<{ upstreams: UpstreamStatus[] }>(gateway, '/status')).upstreams.find((u) => u.name === 'echo')!;
  const before = await statusOf();
  t.is(before.pid, Number(first.text), 'the pid tool answers with the process the gateway runs');
  process.kill(Number(first.text), 'SIGKILL');
  // Waiting on the admin API, not on probe calls: calls during the restart would only meet a refusing upstream.
  const after = await waitFor(
    async () => {
      const status = await statusOf();
      const restarted = status.state === 'ready' && status.restarts > before.restarts && status.pid !== before.pid;
      return restarted ? status : undefined;
    },
    { timeoutMs: 30_000, message: 'echo restarted' },
  );

  const pid = await call(client, 'echo__pid');
  t.deepEqual(pid, { text: String(after.pid), layer: 'upstream' }, 'the new process answers, not the cache');
  t.is((await call(client, 'echo__echo', { text: 'kept?' })).layer, 'upstream');
  t.is((await call(client, 'lister__echo', { text: 'other' })).layer, 'l1', "the other server's entries stay");
});

test.serial("a tools/list_changed drops that server's cached results", async (t) => {
  const { client } = t.context;
  t.is((await call(client, 'lister__echo', { text: 'listed' })).layer, 'upstream');
  t.is((await call(client, 'lister__echo', { text: 'listed' })).layer, 'l1');
  t.is((await call(client, 'echo__echo', { text: 'elsewhere' })).layer, 'upstream');

  t.is((await call(client, 'lister__add_tool', { name: 'extra' })).text, 'added extra');
  await waitFor(async () => (await client.listTools()).tools.some((tool) => tool.name === 'lister__extra'), {
    message: 'the new tool listed',
  });
  t.is((await call(client, 'lister__echo', { text: 'listed' })).layer, 'upstream');
  t.is((await call(client, 'echo__echo', { text: 'elsewhere' })).layer, 'l1');
});

test.serial('localmcp cache stats and cache clear, through the admin API of the running gateway', async (t) => {
  const { client, gateway, config } = t.context;
  const cli = (...args: string[]) =>
    runCli(['cache', ...args, '--url', gateway.url, '--config', config, '--admin-token', ADMIN]);
  for (const [name, text] of [
    ['echo__echo', 'clear-me'],
    ['lister__echo', 'keep-me'],
  ] as const) {
    await call(client, name, { text });
    t.is((await call(client, name, { text })).layer, 'l1');
  }

  const table = await cli('stats');
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /LAYER\s+HITS\s+MISSES\s+HIT RATE\s+ENTRIES\s+BYTES\s+EVICTIONS\s+STALE SERVES\s+ERRORS/);
  t.regex(table.stdout, /l1 memory\s+\d+\s+\d+\s+\d+\.\d%\s+\d+\s+[\d.]+ \w*B of 64\.0 MiB\s+0\s+0/);
  t.regex(table.stdout, /l2 redis\s+off/);
  const json = await cli('stats', '--json');
  t.is(json.code, 0, json.stderr);
  const listing = JSON.parse(json.stdout) as { enabled: boolean; stats: CacheStats };
  t.true(listing.enabled);
  t.true(listing.stats.l1.entries >= 2);
  t.true(listing.stats.l1.hits >= 2);

  const cleared = await cli('clear', 'echo', '--json');
  t.is(cleared.code, 0, cleared.stderr);
  const answer = JSON.parse(cleared.stdout) as { cleared: { server: string }; removed: { l1: number; l2: number } };
  t.is(answer.cleared.server, 'echo');
  t.true(answer.removed.l1 >= 1);
  t.is(answer.removed.l2, 0);
  t.is((await call(client, 'echo__echo', { text: 'clear-me' })).layer, 'upstream', 'gone from the cache');
  t.is((await call(client, 'lister__echo', { text: 'keep-me' })).layer, 'l1', 'another server is kept');

  const all = await cli('clear');
  t.is(all.code, 0, all.stderr);
  t.regex(all.stdout, /cleared every server: [1-9]\d* entries from L1, 0 from L2, 0 from L3/);
  t.is((await call(client, 'lister__echo', { text: 'keep-me' })).layer, 'upstream');

  const unknown = await cli('clear', 'ghost');
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /404: no upstream server "ghost"/);
  const wrong = await runCli(['cache', 'stats', '--url', gateway.url, '--config', config, '--admin-token', 'nope']);
  t.is(wrong.code, 1);
  t.regex(wrong.stderr, /401: invalid admin token/);
});

test('cache stats and cache clear exit 3 when no gateway answers', async (t) => {
  const url = `http://127.0.0.1:${await freePort()}`;
  for (const args of [['stats'], ['clear', 'echo']]) {
    const result = await runCli(['cache', ...args, '--url', url]);
    t.is(result.code, 3, result.stderr);
    t.regex(result.stderr, /no gateway answered at http:\/\/127\.0\.0\.1:\d+/);
    t.notRegex(result.stderr, / {4}at /, 'no stack trace');
  }
});
