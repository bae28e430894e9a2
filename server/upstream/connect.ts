import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { SamplingHandler } from '../llm/sampling.js';
import type { UpstreamConfig } from '../config/schema.js';
import { isolatingFetch } from './isolating-fetch.js';
import { ProcessStdioTransport } from './stdio-transport.js';
import type { StderrTail } from './stderr-tail.js';

/** The gateway's identity towards upstream servers. */
export const GATEWAY_CLIENT_INFO = { name: 'localmcp', version: '0.1.0' } as const;

export interface Connection {
  client: Client;
  transport: Transport;
  /** What was actually used: for `http`, Streamable HTTP or the SSE fallback. */
  kind: 'stdio' | 'streamable-http' | 'sse';
  pid: number | undefined;
}

function newClient(sampling?: SamplingHandler): Client {
  // Sampling only for servers the config allows (llm.sampling.servers): a capability we advertise is one the
  // server may rely on. Elicitation and roots are not answered yet.
  const client = new Client(GATEWAY_CLIENT_INFO, { capabilities: sampling ? { sampling: {} } : {} });
  if (sampling) client.setRequestHandler(CreateMessageRequestSchema, (request, extra) => sampling(request, extra));
  return client;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function connectWith(client: Client, transport: Transport, timeoutMs: number, what: string): Promise<void> {
  try {
    await withTimeout(client.connect(transport), timeoutMs, what);
  } catch (error) {
    await transport.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens one MCP client session to an upstream. A `url` with transport `http` tries Streamable HTTP first and
 * falls back to the legacy HTTP+SSE transport, as the spec's backwards-compatibility section advises.
 */
export async function connectUpstream(
  config: UpstreamConfig,
  stderrTail: StderrTail,
  sampling?: SamplingHandler,
): Promise<Connection> {
  const timeoutMs = config.timeouts.connectMs;
  if (config.transport === 'stdio') {
    if (!config.command) throw new Error('no command configured');
    const transport = new ProcessStdioTransport({
      command: config.command,
      args: config.args,
      env: config.env,
      cwd: config.cwd,
      stderrTail,
    });
    const client = newClient(sampling);
    await connectWith(client, transport, timeoutMs, 'starting the server');
    return { client, transport, kind: 'stdio', pid: transport.pid };
  }
  if (!config.url) throw new Error('no url configured');
  const url = new URL(config.url);
  const requestInit: RequestInit = { headers: config.headers };
  if (config.transport === 'http') {
    const client = newClient(sampling);
    const transport = new StreamableHTTPClientTransport(url, { requestInit, fetch: isolatingFetch });
    try {
      await connectWith(client, transport, timeoutMs, 'connecting over Streamable HTTP');
      return { client, transport, kind: 'streamable-http', pid: undefined };
    } catch (streamableError) {
      try {
        return await connectSse(url, requestInit, timeoutMs, sampling);
      } catch {
        // Both failed: the first error is the informative one for a server that claims Streamable HTTP.
        throw streamableError;
      }
    }
  }
  return connectSse(url, requestInit, timeoutMs, sampling);
}

async function connectSse(
  url: URL,
  requestInit: RequestInit,
  timeoutMs: number,
  sampling: SamplingHandler | undefined,
): Promise<Connection> {
  const client = newClient(sampling);
  const transport = new SSEClientTransport(url, { requestInit, fetch: isolatingFetch });
  await connectWith(client, transport, timeoutMs, 'connecting over SSE');
  return { client, transport, kind: 'sse', pid: undefined };
}
