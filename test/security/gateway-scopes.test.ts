// Scopes through the real gateway: a key limited to one server (or one tool) neither sees nor calls any other
// server's tools, in tools/list, search_tools, call_tool, direct tools/call, list_servers, prompts and resources;
// search ranks within the allowed tools. Also: an oversize upstream result is a clear error, not a crash.
import anyTest, { type TestFn } from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, tempDir, type InProcessGateway } from '../helpers/gateway.js';
import { connectAs } from '../helpers/secure.js';

interface Context {
  gateway: InProcessGateway;
  alphaKey: string;
  betaAddKey: string;
  adminKey: string;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  const dataDir = await tempDir('localmcp-scopes-');
  const keys = new KeyStore(keyFilePath(dataDir));
  const alphaKey = (await keys.create({ name: 'alpha only', scopes: ['server:alpha'] })).key;
  const betaAddKey = (await keys.create({ name: 'beta add', scopes: ['tool:beta/add'] })).key;
  const adminKey = (await keys.create({ name: 'admin', scopes: ['admin'] })).key;
  const gateway = await startGateway(
    {
      security: { limits: { maxResultBytes: 2048 }, rateLimit: { enabled: false } },
      mcpServers: {
        alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }),
        beta: stdioFixtureConfig({ FIXTURE_NAME: 'beta' }),
      },
    },
    { dataDir },
  );
  t.context = { gateway, alphaKey, betaAddKey, adminKey };
});

test.after.always(async (t) => {
  await t.context.gateway?.close();
});

async function as(
  t: { context: Context; teardown: (fn: () => Promise<void>) => void },
  key: string,
  path: string,
): Promise<Client> {
  const client = await connectAs(t.context.gateway.url, key, path);
  t.teardown(() => client.close());
  return client;
}

const json = (result: unknown) => JSON.parse(firstText(result)) as Record<string, unknown>;
const names = (tools: Array<{ name: string }>) => tools.map((tool) => tool.name).sort();

test('tools/list shows only the tools in scope', async (t) => {
  const alpha = await as(t, t.context.alphaKey, '/mcp/all');
  const listed = names((await alpha.listTools()).tools);
  t.true(listed.length > 5);
  t.true(
    listed.every((name) => name.startsWith('alpha__')),
    listed.join(', '),
  );
  const betaAdd = await as(t, t.context.betaAddKey, '/mcp/all');
  t.deepEqual(names((await betaAdd.listTools()).tools), ['beta__add']);
  const admin = await as(t, t.context.adminKey, '/mcp/all');
  t.true(names((await admin.listTools()).tools).some((name) => name.startsWith('beta__')));
});

test('tools/call of a tool out of scope reads as unknown and never reaches it', async (t) => {
  const alpha = await as(t, t.context.alphaKey, '/mcp/all');
  const error = await t.throwsAsync(alpha.callTool({ name: 'beta__echo', arguments: { text: 'x' } }));
  t.regex(error!.message, /Unknown tool "beta__echo"/);
  t.is(firstText(await alpha.callTool({ name: 'alpha__echo', arguments: { text: 'ok' } })), 'ok');
  // In discovery mode a name stays callable directly: the same refusal.
  const discovery = await as(t, t.context.betaAddKey, '/mcp/discovery');
  await t.throwsAsync(discovery.callTool({ name: 'alpha__add', arguments: { a: 1, b: 2 } }), {
    message: /Unknown tool "alpha__add"/,
  });
  t.is(firstText(await discovery.callTool({ name: 'beta__add', arguments: { a: 1, b: 2 } })), '3');
});

test('call_tool refuses a tool out of scope and suggests only tools in scope', async (t) => {
  const client = await as(t, t.context.betaAddKey, '/mcp/discovery');
  const refused = await client.callTool({
    name: 'call_tool',
    arguments: { name: 'alpha__add', arguments: { a: 1, b: 2 } },
  });
  t.true(refused.isError);
  const message = firstText(refused);
  t.regex(message, /Unknown tool "alpha__add"/);
  t.notRegex(message, /Similar tools:.*alpha__/);
  const ok = await client.callTool({ name: 'call_tool', arguments: { name: 'beta__add', arguments: { a: 2, b: 3 } } });
  t.is(firstText(ok), '5');
});

test('search_tools ranks within the scope (not a filter after the top k)', async (t) => {
  const query = { query: 'echo: returns the text unchanged, not numbers', limit: 1 };
  const admin = await as(t, t.context.adminKey, '/mcp/discovery');
  const unscoped = json(await admin.callTool({ name: 'search_tools', arguments: query })).tools as Array<{
    name: string;
  }>;
  t.is(unscoped.length, 1);
  t.not(unscoped[0]!.name, 'beta__add', 'precondition: the overall best match is another tool');

  const betaAdd = await as(t, t.context.betaAddKey, '/mcp/discovery');
  const scoped = json(await betaAdd.callTool({ name: 'search_tools', arguments: query })).tools as Array<{
    name: string;
  }>;
  t.deepEqual(
    scoped.map((tool) => tool.name),
    ['beta__add'],
  );

  const alpha = await as(t, t.context.alphaKey, '/mcp/hybrid');
  const found = json(
    await alpha.callTool({ name: 'search_tools', arguments: { query: 'echo text', limit: 10, server: 'beta' } }),
  ).tools as unknown[];
  t.deepEqual(found, [], 'asking for another server by name finds nothing');
  const own = json(await alpha.callTool({ name: 'search_tools', arguments: { query: 'echo text', limit: 10 } }))
    .tools as Array<{ name: string; server: string }>;
  t.true(own.length > 0);
  t.true(own.every((tool) => tool.server === 'alpha'));
});

test('list_servers shows only the servers in scope, with the tools the scope grants', async (t) => {
  const alpha = await as(t, t.context.alphaKey, '/mcp/discovery');
  const servers = json(await alpha.callTool({ name: 'list_servers', arguments: {} })).servers as Array<{
    name: string;
  }>;
  t.deepEqual(
    servers.map((s) => s.name),
    ['alpha'],
  );
  const betaAdd = await as(t, t.context.betaAddKey, '/mcp/discovery');
  const beta = json(await betaAdd.callTool({ name: 'list_servers', arguments: {} })).servers as Array<{
    name: string;
    tools: number;
  }>;
  t.deepEqual(
    beta.map(({ name, tools }) => ({ name, tools })),
    [{ name: 'beta', tools: 1 }],
  );
});

test('prompts and resources are filtered by server', async (t) => {
  const alpha = await as(t, t.context.alphaKey, '/mcp');
  t.deepEqual(
    (await alpha.listPrompts()).prompts.map((p) => p.name),
    ['alpha__greet'],
  );
  await t.throwsAsync(alpha.getPrompt({ name: 'beta__greet', arguments: { name: 'x' } }), {
    message: /Unknown prompt/,
  });
  t.true((await alpha.listResourceTemplates()).resourceTemplates.length > 0);
  // A tool-only scope reaches no server as a whole: no prompts, resources or templates.
  const betaAdd = await as(t, t.context.betaAddKey, '/mcp');
  t.deepEqual((await betaAdd.listPrompts()).prompts, []);
  t.deepEqual((await betaAdd.listResources()).resources, []);
  t.deepEqual((await betaAdd.listResourceTemplates()).resourceTemplates, []);
  await t.throwsAsync(betaAdd.readResource({ uri: 'fixture://info' }), { message: /Unknown resource/ });
});

test('an upstream result over maxResultBytes is a clear error and the gateway carries on', async (t) => {
  const admin = await as(t, t.context.adminKey, '/mcp');
  await t.throwsAsync(admin.callTool({ name: 'alpha__echo', arguments: { text: 'y'.repeat(5000) } }), {
    message: /over the gateway's limit of 2048 \(security\.limits\.maxResultBytes\)/,
  });
  t.is(firstText(await admin.callTool({ name: 'alpha__echo', arguments: { text: 'small' } })), 'small');
});
