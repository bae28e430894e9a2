import type { Gateway, Setup } from '../server/index.js';

/** The lines `serve` prints once every upstream has had its first try: where to connect, and what is up. */
export function printReady(print: (line: string) => void, url: string, gateway: Gateway, setup: Setup): void {
  const statuses = gateway.upstreams.statuses();
  print(`localmcp ready: ${url}/mcp (Streamable HTTP) · ${url}/sse (SSE) · ${url}/readyz`);
  print(
    `tools mode: ${setup.config.discovery.mode} · per endpoint: ${url}/mcp/discovery (search_tools + call_tool), ${url}/mcp/hybrid, ${url}/mcp/all`,
  );
  print(
    `admin panel: ${url}/admin/ ${setup.config.gateway.adminToken ? '(sign in with the admin token)' : '(this machine only)'}`,
  );
  print(
    `config: ${setup.file ?? 'none found, serving the built-in demo servers (run `localmcp init` to create localmcp.yaml)'}`,
  );
  for (const s of statuses) {
    const detail = s.state === 'ready' ? `${s.toolCount} tools` : (s.lastError ?? '');
    print(`  ${s.state === 'ready' ? '✓' : '✗'} ${s.name.padEnd(16)} ${s.state.padEnd(10)} ${detail}`);
  }
  print(
    `${gateway.catalog.toolCount()} tools from ${statuses.filter((s) => s.state === 'ready').length}/${statuses.length} servers.`,
  );
  const entry = setup.config.gateway.token
    ? { url: `${url}/mcp`, headers: { Authorization: 'Bearer ${LOCALMCP_TOKEN}' } }
    : { url: `${url}/mcp` };
  print('Add it to your MCP client (Cursor, Claude Code, VS Code...):');
  print(JSON.stringify({ mcpServers: { localmcp: entry } }, null, 2));
}
