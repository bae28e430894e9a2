// Discovery through the real gateway with real upstreams: a client on /mcp/discovery sees only the meta-tools,
// searches, finds and calls tools; a wrong call_tool never reaches the upstream; the index follows list changes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import anyTest, { type TestFn } from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { referenceServer, startGateway, tempDir, type InProcessGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

interface Context {
  gw: InProcessGateway;
  files: string;
  client: Client;
}
const test = anyTest as TestFn<Context>;

interface Found {
  name: string;
  server: string;
  description?: string;
  inputSchema: { properties?: Record<string, unknown> };
  score: number;
  reason: string;
}

test.before(async (t) => {
  const files = await tempDir('localmcp-disc-');
  await mkdir(join(files, 'notes'));
  await writeFile(join(files, 'notes', 'todo.txt'), 'buy milk\n');
  const gw = await startGateway({
    discovery: { pinned: ['echo__echo'] },
    mcpServers: {
      everything: referenceServer('everything', 'stdio'),
      memory: { ...referenceServer('memory'), env: { MEMORY_FILE_PATH: join(files, 'memory.jsonl') } },
      filesystem: referenceServer('filesystem', files),
      echo: stdioFixtureConfig(),
    },
  });
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp/discovery`)));
  t.context = { gw, files, client };
});
test.after.always(async (t) => {
  await t.context.client?.close();
  await t.context.gw?.close();
});

const call = (t: { context: Context }, name: string, args: Record<string, unknown>) =>
  t.context.client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const search = async (t: { context: Context }, query: string, extra: Record<string, unknown> = {}) =>
  (JSON.parse(firstText(await call(t, 'search_tools', { query, ...extra }))) as { tools: Found[] }).tools;
const echoCalls = async (t: { context: Context }, tool: string) =>
  (JSON.parse(firstText(await call(t, 'echo__stats', {}))) as { calls: Record<string, number> }).calls[tool] ?? 0;

test.serial('a discovery client sees only the three meta-tools, each described with an example', async (t) => {
  const { tools } = await t.context.client.listTools();
  t.deepEqual(tools.map((tool) => tool.name).sort(), ['call_tool', 'list_servers', 'search_tools']);
  for (const tool of tools) t.regex(tool.description ?? '', /Example: \{/);
});

test.serial('search_tools finds the right tool and returns what is needed to call it', async (t) => {
  const found = await search(t, 'read the contents of a text file', { limit: 3 });
  t.true(found.length > 0 && found.length <= 3);
  t.true(
    found.some((tool) => tool.name.startsWith('filesystem__read')),
    JSON.stringify(found.map((f) => f.name)),
  );
  const top = found[0]!;
  t.is(typeof top.score, 'number');
  t.true(top.reason.length > 0);
  t.truthy(top.inputSchema.properties, 'the input schema comes with the result');

  const graph = await search(t, 'create new entities in the knowledge graph');
  t.is(graph[0]?.name, 'memory__create_entities');

  const onlyEcho = await search(t, 'add two numbers', { server: 'echo' });
  t.true(onlyEcho.length > 0);
  t.true(onlyEcho.every((tool) => tool.server === 'echo'));
  t.deepEqual(await search(t, 'zzqx vbnmw'), [], 'no match is an empty list, not an error');
});

test.serial('call_tool runs a found tool', async (t) => {
  const result = await call(t, 'call_tool', {
    name: 'filesystem__read_text_file',
    arguments: { path: join(t.context.files, 'notes', 'todo.txt') },
  });
  t.falsy(result.isError);
  t.is(firstText(result), 'buy milk\n');
});

test.serial('a wrong call_tool lists the problems and never reaches the upstream', async (t) => {
  const before = await echoCalls(t, 'add');
  const result = await call(t, 'call_tool', { name: 'echo__add', arguments: { a: 'one' } });
  t.true(result.isError);
  const message = firstText(result);
  t.regex(message, /arguments\.a: must be number/);
  t.regex(message, /arguments\.b: is required/);
  t.regex(message, /nothing was run/);
  t.is(await echoCalls(t, 'add'), before, 'the upstream never saw the call');

  const unknown = await call(t, 'call_tool', { name: 'echo__ad', arguments: {} });
  t.true(unknown.isError);
  t.regex(firstText(unknown), /Unknown tool "echo__ad"/);
});

test.serial('a direct tools/call with wrong arguments is an invalid-params error, in any mode', async (t) => {
  const before = await echoCalls(t, 'add');
  const error = await t.throwsAsync(call(t, 'echo__add', { a: 1 }), { instanceOf: McpError });
  t.is((error as McpError).code, ErrorCode.InvalidParams);
  t.regex(error!.message, /arguments\.b: is required/);
  t.is(await echoCalls(t, 'add'), before);
});

test.serial('list_servers summarises every upstream with its tool count', async (t) => {
  const { servers } = JSON.parse(firstText(await call(t, 'list_servers', {}))) as {
    servers: Array<{ name: string; tools: number; state: string }>;
  };
  t.deepEqual(servers.map((s) => s.name).sort(), ['echo', 'everything', 'filesystem', 'memory']);
  t.true(servers.every((s) => s.state === 'ready' && s.tools > 0));
});

test.serial('the index follows a tool list change', async (t) => {
  t.deepEqual(await search(t, 'calibrate the quantum flux capacitor'), []);
  await call(t, 'echo__add_tool', { name: 'quantum_flux_calibrator' });
  const found = await waitFor(async () => {
    const tools = await search(t, 'calibrate the quantum flux capacitor');
    return tools.find((tool) => tool.name === 'echo__quantum_flux_calibrator');
  });
  t.is(found.server, 'echo');
});

test.serial('hybrid mode lists the meta-tools plus the pinned tools; all mode lists the catalog', async (t) => {
  const hybrid = await connectClient(new StreamableHTTPClientTransport(new URL(`${t.context.gw.url}/mcp/hybrid`)));
  t.deepEqual((await hybrid.listTools()).tools.map((tool) => tool.name).sort(), [
    'call_tool',
    'echo__echo',
    'list_servers',
    'search_tools',
  ]);
  await hybrid.close();
  const all = await connectClient(new StreamableHTTPClientTransport(new URL(`${t.context.gw.url}/mcp`)));
  const names = (await all.listTools()).tools.map((tool) => tool.name);
  t.false(names.includes('search_tools'));
  t.true(names.includes('memory__read_graph'));
  await all.close();
});
