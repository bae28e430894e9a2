import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { countWords, createServer } from '../src/server.js';

test('countWords counts words, characters and lines', () => {
  assert.deepEqual(countWords("It's a well-known\nfact."), { words: 4, characters: 23, lines: 2 });
  assert.deepEqual(countWords(''), { words: 0, characters: 0, lines: 0 });
});

test('a client lists the tool and calls it (in memory)', async (t) => {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createServer().connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  t.after(() => client.close());

  const { tools } = await client.listTools();
  assert.deepEqual(
    tools.map((tool) => tool.name),
    ['count_words'],
  );
  assert.equal(tools[0]!.annotations?.readOnlyHint, true);
  const result = await client.callTool({ name: 'count_words', arguments: { text: 'one two three' } });
  assert.deepEqual(result.structuredContent, { words: 3, characters: 13, lines: 1 });

  const invalid = await client.callTool({ name: 'count_words', arguments: { text: 42 } });
  assert.equal(invalid.isError, true, 'arguments are checked against the input schema');
});

test('the built server speaks MCP over stdio, as localmcp runs it', async (t) => {
  const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [entry] }));
  t.after(() => client.close());
  const result = await client.callTool({ name: 'count_words', arguments: { text: 'hello world' } });
  assert.deepEqual(result.structuredContent, { words: 2, characters: 11, lines: 1 });
});
