import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { connectWireClient, type Endpoint } from './wire-client.js';

/** `wire`: the lean client of wire-client.ts; `sdk`: the MCP SDK's Client and transports. */
export type CallerKind = 'wire' | 'sdk';
export const CALLER_KINDS: readonly CallerKind[] = ['wire', 'sdk'];

/** One connected client that calls the echo tool; `call()` is true when the answer is the text sent. */
export interface Caller {
  call(): Promise<boolean>;
  close(): Promise<void>;
}

/** One initialized MCP session: a request resolves with its `result`; a JSON-RPC error rejects. */
export interface Session {
  request(method: string, params?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/** A session with either client, for benchmarks that call tools other than echo. */
export function openSession(kind: CallerKind, endpoint: Endpoint): Promise<Session> {
  return kind === 'wire' ? connectWireClient(endpoint) : connectSdk(endpoint);
}

const ARGUMENTS = { text: 'ping' };

/** Connects, finds the echo tool (`echo`, or a gateway's namespaced `<server>__echo`) and returns a caller. */
export async function openCaller(kind: CallerKind, endpoint: Endpoint): Promise<Caller> {
  const session = await openSession(kind, endpoint);
  try {
    const { tools } = (await session.request('tools/list', {})) as { tools: Array<{ name: string }> };
    const tool = tools.find((t) => t.name === 'echo') ?? tools.find((t) => /(^|[_.:/-])echo$/.test(t.name));
    if (!tool) throw new Error(`no echo tool among ${tools.map((t) => t.name).join(', ') || 'no tools'}`);
    const params = { name: tool.name, arguments: ARGUMENTS };
    return {
      call: async () => {
        const result = (await session.request('tools/call', params)) as {
          isError?: boolean;
          content?: Array<{ text?: string }>;
        };
        return !result.isError && result.content?.[0]?.text === ARGUMENTS.text;
      },
      close: () => session.close(),
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

async function connectSdk(endpoint: Endpoint): Promise<Session> {
  const transport: Transport =
    endpoint.transport === 'stdio'
      ? new StdioClientTransport({ ...endpoint, stderr: 'ignore' })
      : endpoint.transport === 'sse'
        ? new SSEClientTransport(new URL(endpoint.url))
        : new StreamableHTTPClientTransport(new URL(endpoint.url));
  const client = new Client({ name: 'localmcp-bench', version: '0.1.0' });
  await client.connect(transport);
  return {
    request: (method, params) =>
      method === 'tools/list'
        ? client.listTools()
        : client.callTool(params as { name: string; arguments: Record<string, unknown> }),
    close: () => client.close(),
  };
}
