// The cache in front of a real stateful upstream: server-memory from npm, over stdio, with its graph in a temp
// file. Its writes (create_entities: not read-only, not idempotent) are never answered from the cache, and a
// write drops the cached reads (read_graph: read-only) of its server, so a read after a write shows the write.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CACHE_META_KEY } from '../../server/cache/index.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { referenceServer, startGateway, tempDir } from '../helpers/gateway.js';

interface Entity {
  name: string;
  entityType: string;
  observations: string[];
}

const layerOf = (result: CallToolResult) =>
  (result._meta?.[CACHE_META_KEY] as { layer: string } | undefined)?.layer ?? 'upstream';

async function memoryGateway() {
  const file = join(await tempDir('localmcp-memory-'), 'memory.jsonl');
  const gateway = await startGateway({
    mcpServers: { memory: { ...referenceServer('memory'), env: { MEMORY_FILE_PATH: file } } },
  });
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = (await client.callTool({ name: `memory__${name}`, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name} failed: ${firstText(result)}`);
    return result;
  };
  return { gateway, client, call, file, close: async () => (await client.close(), await gateway.close()) };
}

const entity = (name: string): Entity => ({ name, entityType: 'test', observations: [`${name} was here`] });

test('create_entities twice with the same arguments reaches server-memory twice', async (t) => {
  const memory = await memoryGateway();
  t.teardown(() => memory.close());
  const args = { entities: [entity('alice')] };

  const first = await memory.call('create_entities', args);
  const second = await memory.call('create_entities', args);
  // server-memory answers with the entities it added: the second call, had it reached it, adds none.
  t.deepEqual(
    (JSON.parse(firstText(first)) as Entity[]).map((e) => e.name),
    ['alice'],
  );
  t.deepEqual(JSON.parse(firstText(second)), [], "the second answer is the upstream's, not a replay of the first");
  t.is(layerOf(first), 'upstream');
  t.is(layerOf(second), 'upstream');
  const { upstream, l1 } = memory.gateway.gateway.cache!.stats();
  t.is(upstream.bypass, 2, 'both calls passed the cache as bypasses');
  t.is(upstream.fetches, 0, 'neither was a cache fetch');
  t.is(l1.entries, 0, 'nothing of theirs was stored');
  t.is((await readFile(memory.file, 'utf8')).match(/"alice"/g)?.length, 1);
});

test('a cached read_graph is dropped by a write: the next read shows the write', async (t) => {
  const memory = await memoryGateway();
  t.teardown(() => memory.close());
  const names = async (result: CallToolResult) =>
    (JSON.parse(firstText(result)) as { entities: Entity[] }).entities.map((e) => e.name).sort();

  await memory.call('create_entities', { entities: [entity('bob')] });
  const read = await memory.call('read_graph');
  t.is(layerOf(read), 'upstream');
  t.deepEqual(await names(read), ['bob']);
  const cached = await memory.call('read_graph');
  t.is(layerOf(cached), 'l1', 'read_graph is read-only: the second read is served from L1');
  t.deepEqual(await names(cached), ['bob']);

  await memory.call('create_entities', { entities: [entity('carol')] });
  const after = await memory.call('read_graph');
  t.is(layerOf(after), 'upstream', 'the write dropped the cached read');
  t.deepEqual(await names(after), ['bob', 'carol']);

  // A destructive tool (delete_entities says destructiveHint and idempotentHint) is a write too.
  await memory.call('delete_entities', { entityNames: ['bob'] });
  const afterDelete = await memory.call('read_graph');
  t.is(layerOf(afterDelete), 'upstream');
  t.deepEqual(await names(afterDelete), ['carol']);
});
