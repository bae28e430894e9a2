import type { DiscoveryMode } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import { LineTransport } from './line-transport.js';

/**
 * Serves one MCP session over this process's stdin/stdout, for clients that launch the gateway as a command
 * (Claude Desktop, Cursor). Nothing else may write to stdout: logs go to stderr. Resolves when stdin closes.
 */
export async function serveStdio(gateway: Gateway, mode?: DiscoveryMode): Promise<void> {
  const { server, dispose } = gateway.openSession(mode);
  const transport = new LineTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  dispose();
  await server.close().catch(() => undefined);
}
