// What the two demo servers share: how they run over stdio and how they shape tool results.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * Serves a demo server over stdin/stdout until stdin closes.
 * The SDK's StdioServerTransport never ends the process by itself: it only stops reading. A gateway that
 * closes our stdin expects us to go away, and a lingering demo process would be an orphan, so exit here.
 */
export async function runStdio(server: McpServer): Promise<void> {
  const transport = new StdioServerTransport();
  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.once('end', exit);
  process.stdin.once('close', exit);
  // stdout carries only protocol; diagnostics go to stderr, which the gateway forwards to its log.
  transport.onerror = (error) => process.stderr.write(`demo server: ${error.message}\n`);
  await server.connect(transport);
}

/** A successful text result. */
export function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

/** A successful result holding pretty-printed JSON, readable by both people and models. */
export function json(value: unknown): CallToolResult {
  return text(JSON.stringify(value, null, 2));
}

/** A tool-level failure: the model sees the message and can correct its call (MCP spec, "Error Handling"). */
export function failure(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
