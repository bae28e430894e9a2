// Real SDK clients for tests: the same Client class a gateway or an MCP host uses, on each transport.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { startHttpFixture, stdioFixtureConfig } from './fixtures.js';

export type FixtureMode = 'stdio' | 'http' | 'sse';
export const FIXTURE_MODES: readonly FixtureMode[] = ['stdio', 'http', 'sse'];

export async function connectClient(transport: Transport, name = 'localmcp-test'): Promise<Client> {
  const client = new Client({ name, version: '0.0.0' });
  await client.connect(transport);
  return client;
}

/** Spawns a stdio server and connects a client to it; `client.close()` ends the process. */
export function connectStdio(server: {
  command: string;
  args: string[];
  env?: Record<string, string>;
}): Promise<Client> {
  return connectClient(new StdioClientTransport({ ...server, stderr: 'inherit' }));
}

export type ConnectedFixture = { client: Client; close(): Promise<void> };

/** A fresh echo fixture process in `mode` with a connected client; `close()` stops both. */
export async function connectEchoFixture(
  mode: FixtureMode,
  env: Record<string, string> = {},
): Promise<ConnectedFixture> {
  if (mode === 'stdio') {
    const client = await connectStdio(stdioFixtureConfig(env));
    return { client, close: () => client.close() };
  }
  const fixture = await startHttpFixture(mode, env);
  const url = new URL(fixture.url);
  try {
    const client = await connectClient(
      mode === 'http' ? new StreamableHTTPClientTransport(url) : new SSEClientTransport(url),
    );
    return { client, close: async () => (await client.close(), await fixture.close()) };
  } catch (error) {
    await fixture.close();
    throw error;
  }
}

/** The text of the first content block of a tool result (our fixtures and demos answer with one). */
export function firstText(result: unknown): string {
  const [block] = ((result as { content?: unknown }).content ?? []) as Array<{ type?: string; text?: unknown }>;
  if (block?.type !== 'text' || typeof block.text !== 'string')
    throw new Error(`expected a text block, got ${JSON.stringify(result)}`);
  return block.text;
}

/** The text of the first entry of a resources/read result. */
export function resourceText(result: unknown): string {
  const [entry] = ((result as { contents?: unknown }).contents ?? []) as Array<{ text?: unknown }>;
  if (typeof entry?.text !== 'string') throw new Error(`expected a text resource, got ${JSON.stringify(result)}`);
  return entry.text;
}
