// Predictive pre-loading in a real gateway: two echo fixtures (alpha, beta) as upstreams, real SDK clients over
// Streamable HTTP, one MCP session per client. Learning, the search boost within a session, persistence across a
// restart, warming (validator and cached answer), and the config switches.
import test from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { GatewayConfigInput } from '../../server/config/schema.js';
import type { CallDone, GatewayEventMap } from '../../server/gateway/events.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, tempDir, type InProcessGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

type Hit = { name: string; score: number; reason: string };

function config(predictive: Record<string, unknown> = {}, extra: Partial<GatewayConfigInput> = {}): GatewayConfigInput {
  return {
    mcpServers: {
      alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }),
      beta: stdioFixtureConfig({ FIXTURE_NAME: 'beta' }),
    },
    discovery: { mode: 'discovery', predictive },
    ...extra,
  } as GatewayConfigInput;
}

async function session(gw: InProcessGateway): Promise<Client> {
  return connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
}

const call = (client: Client, name: string, args: Record<string, unknown> = {}) =>
  client.callTool({ name: 'call_tool', arguments: { name, arguments: args } });

async function search(client: Client, query: string): Promise<Hit[]> {
  const result = await client.callTool({ name: 'search_tools', arguments: { query, limit: 5 } });
  return (JSON.parse(firstText(result)) as { tools: Hit[] }).tools;
}

/** One session that calls `from` then `to` (each session is one sequence). */
async function teach(gw: InProcessGateway, from: [string, Record<string, unknown>], to: [string, object]) {
  const client = await session(gw);
  try {
    await call(client, ...from);
    await call(client, to[0], to[1] as Record<string, unknown>);
  } finally {
    await client.close();
  }
}

const ADD: [string, Record<string, unknown>] = ['alpha__add', { a: 1, b: 2 }];

test('learns which tool follows which from the calls of each session, not across sessions', async (t) => {
  const gw = await startGateway(config());
  t.teardown(() => gw.close());
  const predictive = gw.gateway.discovery.predictive!;
  await teach(gw, ADD, ['beta__echo', { text: 'hi' }]);
  await teach(gw, ADD, ['beta__echo', { text: 'again' }]);
  await teach(gw, ['alpha__echo', { text: 'x' }], ['alpha__pid', {}]);
  t.deepEqual(
    predictive.transitions.successors('alpha__add').map((s) => [s.tool, s.count]),
    [['beta__echo', 2]],
  );
  // beta__echo ended one session and alpha__echo began the next: that is no transition.
  t.deepEqual(predictive.transitions.successors('beta__echo'), []);
  // A failed call is no step: alpha__fail answers isError.
  const client = await session(gw);
  t.teardown(() => client.close());
  await call(client, 'alpha__fail', { message: 'no' });
  await call(client, 'alpha__pid');
  t.deepEqual(predictive.transitions.successors('alpha__fail'), []);
  t.is(predictive.stats().observed, 7);
});

test('search_tools in a session boosts tools that often follow its last tool, and says so', async (t) => {
  const gw = await startGateway(config());
  t.teardown(() => gw.close());
  const QUERY = 'return the text unchanged';
  const fresh = await session(gw);
  t.teardown(() => fresh.close());
  const baseline = await search(fresh, QUERY);
  // The same tool on two servers: the second one is the one to teach.
  t.deepEqual(
    baseline
      .map((h) => h.name)
      .slice(0, 2)
      .sort(),
    ['alpha__echo', 'beta__echo'],
  );
  const target = baseline[1]!.name;
  const other = baseline[0]!.name;

  await teach(gw, ADD, [target, { text: 'one' }]);
  await teach(gw, ADD, [target, { text: 'two' }]);

  const client = await session(gw);
  t.teardown(() => client.close());
  t.deepEqual(await search(client, QUERY), baseline, 'no last tool yet: no boost');
  await call(client, ...ADD);
  const boosted = await search(client, QUERY);
  t.is(boosted[0]!.name, target);
  t.is(boosted[1]!.name, other);
  t.regex(boosted[0]!.reason, /often follows alpha__add \(\d+%\)/);
  t.true(boosted[0]!.score > baseline[0]!.score);
  t.true(boosted[0]!.score <= baseline[1]!.score * 1.5, 'bounded by 1 + boost');
  // Another session without that history is unaffected.
  t.deepEqual(await search(fresh, QUERY), baseline);
  t.true(gw.gateway.discovery.predictive!.stats().boosted >= 1);
});

test('what was learned survives a restart (kept in the data dir)', async (t) => {
  const dataDir = await tempDir('localmcp-predictive-');
  const first = await startGateway(config(), { dataDir });
  await teach(first, ADD, ['beta__echo', { text: 'one' }]);
  await teach(first, ADD, ['beta__echo', { text: 'two' }]);
  await first.close();

  const second = await startGateway(config(), { dataDir });
  t.teardown(() => second.close());
  t.deepEqual(
    second.gateway.discovery.predictive!.transitions.successors('alpha__add').map((s) => [s.tool, s.count]),
    [['beta__echo', 2]],
  );
  const notPersisted = await startGateway(config({ persist: false }), { dataDir: await tempDir('localmcp-pred-') });
  t.teardown(() => notPersisted.close());
  await teach(notPersisted, ADD, ['beta__echo', { text: 'x' }]);
  t.is(notPersisted.gateway.discovery.predictive!.transitions.size, 1);
});

test('after a tool, its likely successors are warmed: validator compiled, read-only answer prefetched', async (t) => {
  const gw = await startGateway(config({ prefetch: true }, { cache: { enabled: true } }));
  t.teardown(() => gw.close());
  const warmed: Array<GatewayEventMap['tool:warmed'][0]> = [];
  const calls: CallDone[] = [];
  gw.gateway.events.on('tool:warmed', (event) => warmed.push(event));
  gw.gateway.events.on('call:done', (event) => calls.push(event));

  // alpha__pid: read-only, no arguments: may be prefetched. beta__add: not read-only-and-argument-free.
  await teach(gw, ['alpha__echo', { text: 'a' }], ['alpha__pid', {}]);
  await teach(gw, ['alpha__echo', { text: 'b' }], ['alpha__pid', {}]);
  t.deepEqual(warmed, [], 'one observation is below minCount (2)');
  // Seen twice now; the third alpha__echo (in a new session) warms alpha__pid.
  await gw.gateway.cache!.clear();
  const client = await session(gw);
  t.teardown(() => client.close());
  await call(client, 'alpha__echo', { text: 'c' });
  const event = await waitFor(() => warmed.find((w) => w.tool === 'alpha__pid' && w.warmed.includes('result')), {
    message: 'alpha__pid warmed',
  });
  t.is(event.after, 'alpha__echo');
  t.true(event.probability >= 0.5);
  const prefetch = calls.find((c) => c.principal === 'predictive');
  t.is(prefetch?.name, 'alpha__pid', 'the prefetch went through the router like any call');
  const before = calls.length;
  const pid = await call(client, 'alpha__pid');
  t.regex(firstText(pid), /^\d+$/);
  t.is(calls.slice(before).find((c) => c.name === 'alpha__pid')?.servedBy, 'l1', 'answered from the warmed cache');
  t.is(gw.gateway.discovery.predictive!.stats().prefetched, 1);

  // The validator of a successor with arguments is compiled ahead of its first call, nothing is called.
  await teach(gw, ['beta__pid', {}], ['beta__add', { a: 1, b: 1 }]);
  await teach(gw, ['beta__pid', {}], ['beta__add', { a: 2, b: 2 }]);
  const addSchema = gw.gateway.catalog.resolveTool('beta__add')!.item.inputSchema as Record<string, unknown>;
  t.false(gw.gateway.discovery.validator.prepare(addSchema), 'already compiled by its calls');
  const validatorWarm = warmed.find((w) => w.tool === 'beta__add');
  t.is(validatorWarm, undefined, 'nothing left to warm for beta__add: its validator was compiled when it was called');
  t.false(
    calls.some((c) => c.principal === 'predictive' && c.name === 'beta__add'),
    'a tool with required arguments is never called ahead of time',
  );
});

test('warming compiles a successor validator that was never compiled (after a restart)', async (t) => {
  const dataDir = await tempDir('localmcp-predictive-');
  const first = await startGateway(config(), { dataDir });
  await teach(first, ['alpha__pid', {}], ['beta__add', { a: 1, b: 1 }]);
  await teach(first, ['alpha__pid', {}], ['beta__add', { a: 1, b: 2 }]);
  await first.close();
  const gw = await startGateway(config(), { dataDir });
  t.teardown(() => gw.close());
  const warmed: Array<GatewayEventMap['tool:warmed'][0]> = [];
  gw.gateway.events.on('tool:warmed', (event) => warmed.push(event));
  const client = await session(gw);
  t.teardown(() => client.close());
  await call(client, 'alpha__pid');
  await gw.gateway.discovery.predictive!.settled();
  t.deepEqual(
    warmed.map((w) => [w.after, w.tool, w.warmed]),
    [['alpha__pid', 'beta__add', ['validator']]],
  );
  const addSchema = gw.gateway.catalog.resolveTool('beta__add')!.item.inputSchema as Record<string, unknown>;
  t.false(gw.gateway.discovery.validator.prepare(addSchema), 'compiled before beta__add was ever called');
  t.is(gw.gateway.discovery.predictive!.stats().warmedValidators, 1);
});

test('disabled: nothing is learned, warmed or boosted; boost 0 learns without re-ranking', async (t) => {
  const off = await startGateway(config({ enabled: false }));
  t.teardown(() => off.close());
  t.is(off.gateway.discovery.predictive, undefined);
  const warmed: unknown[] = [];
  off.gateway.events.on('tool:warmed', (event) => warmed.push(event));
  await teach(off, ADD, ['beta__echo', { text: 'one' }]);
  await teach(off, ADD, ['beta__echo', { text: 'two' }]);
  const client = await session(off);
  t.teardown(() => client.close());
  const baseline = await search(client, 'return the text unchanged');
  await call(client, ...ADD);
  t.deepEqual(await search(client, 'return the text unchanged'), baseline);
  t.deepEqual(warmed, []);

  const noBoost = await startGateway(config({ boost: 0 }));
  t.teardown(() => noBoost.close());
  const c2 = await session(noBoost);
  t.teardown(() => c2.close());
  const before = await search(c2, 'return the text unchanged');
  const target = before[1]!.name;
  await teach(noBoost, ADD, [target, { text: 'one' }]);
  await teach(noBoost, ADD, [target, { text: 'two' }]);
  await call(c2, ...ADD);
  t.deepEqual(await search(c2, 'return the text unchanged'), before);
  t.is(noBoost.gateway.discovery.predictive!.transitions.successors('alpha__add')[0]?.tool, target);
});
