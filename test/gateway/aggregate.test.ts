// One gateway in front of five real upstreams (three reference servers from npm over stdio, our echo fixture
// over Streamable HTTP and over SSE), reached by the real SDK Client over each downstream transport.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { startHttpFixture, type HttpFixture } from '../helpers/fixtures.js';
import { CLI, referenceServer, startGateway, tempDir, writeConfig, type InProcessGateway } from '../helpers/gateway.js';

interface Context {
  gateway: InProcessGateway;
  fixtures: HttpFixture[];
  files: string;
  config: Record<string, unknown>;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  const files = await tempDir('localmcp-fs-');
  await mkdir(join(files, 'docs'));
  await writeFile(join(files, 'docs', 'hello.txt'), 'hello from the filesystem server\n');
  const fixtures = await Promise.all([
    startHttpFixture('http', { FIXTURE_NAME: 'web' }),
    startHttpFixture('sse', { FIXTURE_NAME: 'legacy' }),
  ]);
  const config = {
    mcpServers: {
      everything: referenceServer('everything', 'stdio'),
      memory: { ...referenceServer('memory'), env: { MEMORY_FILE_PATH: join(files, 'memory.jsonl') } },
      filesystem: referenceServer('filesystem', files),
      web: { url: fixtures[0]!.url },
      legacy: { url: fixtures[1]!.url, type: 'sse' as const },
    },
  };
  t.context = { gateway: await startGateway(config), fixtures, files, config };
});

test.after.always(async (t) => {
  await t.context.gateway?.close();
  await Promise.all((t.context.fixtures ?? []).map((f) => f.close()));
});

type Connect = (t: ExecutionContext<Context>) => Promise<Client>;

const overHttp: Connect = (t) =>
  connectClient(new StreamableHTTPClientTransport(new URL(`${t.context.gateway.url}/mcp`)));
const overSse: Connect = (t) => connectClient(new SSEClientTransport(new URL(`${t.context.gateway.url}/sse`)));
const overStdio: Connect = async (t) => {
  const file = await writeConfig(t.context.config);
  return connectClient(
    new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'serve', '--stdio', '--config', file],
      stderr: 'ignore',
    }),
  );
};

const transports: Array<[string, Connect]> = [
  ['Streamable HTTP', overHttp],
  ['SSE', overSse],
  ['stdio', overStdio],
];

for (const [name, connect] of transports) {
  test.serial(`${name}: lists the merged, namespaced tools of every upstream`, async (t) => {
    const client = await connect(t);
    try {
      const { tools } = await client.listTools();
      const names = new Set(tools.map((tool) => tool.name));
      for (const expected of [
        'everything__echo',
        'memory__create_entities',
        'filesystem__read_text_file',
        'web__echo',
        'legacy__add',
      ]) {
        t.true(names.has(expected), `${expected} is listed`);
      }
      t.true(tools.every((tool) => tool.name.length <= 64 && /^[A-Za-z0-9_-]+$/.test(tool.name)));
      t.is(names.size, tools.length, 'names are unique');
    } finally {
      await client.close();
    }
  });

  test.serial(`${name}: calls a tool on every upstream with correct results`, async (t) => {
    const client = await connect(t);
    try {
      t.is(firstText(await client.callTool({ name: 'everything__echo', arguments: { message: 'hi' } })), 'Echo: hi');
      const entity = `Ada-${name.replace(/\W/g, '')}`;
      await client.callTool({
        name: 'memory__create_entities',
        arguments: { entities: [{ name: entity, entityType: 'person', observations: ['wrote the first program'] }] },
      });
      t.regex(firstText(await client.callTool({ name: 'memory__read_graph', arguments: {} })), new RegExp(entity));
      const file = join(t.context.files, 'docs', 'hello.txt');
      t.is(
        firstText(await client.callTool({ name: 'filesystem__read_text_file', arguments: { path: file } })),
        'hello from the filesystem server\n',
      );
      t.is(
        firstText(await client.callTool({ name: 'web__echo', arguments: { text: 'over streamable http' } })),
        'over streamable http',
      );
      t.is(firstText(await client.callTool({ name: 'legacy__add', arguments: { a: 2, b: 40 } })), '42');
    } finally {
      await client.close();
    }
  });

  test.serial(`${name}: reads prompts and resources`, async (t) => {
    const client = await connect(t);
    try {
      const { prompts } = await client.listPrompts();
      t.true(prompts.some((p) => p.name === 'everything__simple-prompt' || p.name === 'everything__simple_prompt'));
      const greet = await client.getPrompt({ name: 'web__greet', arguments: { name: 'Grace' } });
      t.deepEqual(greet.messages[0]?.content, { type: 'text', text: 'Hello, Grace!' });

      const { resources } = await client.listResources();
      t.true(resources.some((r) => r.uri === 'memory://knowledge-graph'));
      const doc = resources.find((r) => r.uri.startsWith('demo://resource/static/document/'));
      t.truthy(doc, 'server-everything resources are listed');
      const read = await client.readResource({ uri: doc!.uri });
      t.true(read.contents.length > 0);
      const { resourceTemplates } = await client.listResourceTemplates();
      t.true(resourceTemplates.some((r) => r.uriTemplate === 'fixture://items/{id}'));
      // Routed by template to the fixture that declares it.
      const item = await client.readResource({ uri: 'fixture://items/7' });
      t.is((item.contents[0] as { text: string }).text, 'item 7');
    } finally {
      await client.close();
    }
  });
}
