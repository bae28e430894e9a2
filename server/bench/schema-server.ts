// The upstream of `localmcp bench predictive`: real tool schemas (the LiveMCPBench catalog, path in
// BENCH_CATALOG) served over stdio, each tool answering at once, so what a first call costs in the gateway (its
// argument validator compiled on first use) is what is measured. Plus `start`, a step to predict from, and
// `status_<i>` (BENCH_STATUS_TOOLS of them): read-only, no arguments, answering after BENCH_STATUS_MS, the kind of
// tool predictive prefetching may call ahead of time.
import { readFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';

const catalog = readFileSync(process.env.BENCH_CATALOG ?? '', 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { name: string; description?: string; inputSchema?: Tool['inputSchema'] });
const statusTools = Number(process.env.BENCH_STATUS_TOOLS ?? 0);
const statusMs = Number(process.env.BENCH_STATUS_MS ?? 50);
const tools: Tool[] = [
  // Read-only: a call that may write invalidates its server's cached answers, prefetched ones included.
  {
    name: 'start',
    description: 'A first step.',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
  ...Array.from({ length: statusTools }, (_, i) => ({
    name: `status_${i}`,
    description: 'A read-only status report that takes a while.',
    inputSchema: { type: 'object' as const, properties: {} },
    annotations: { readOnlyHint: true },
  })),
  ...catalog.map((tool, i) => ({
    name: `t${i}`,
    description: tool.description ?? tool.name,
    inputSchema: tool.inputSchema?.type === 'object' ? tool.inputSchema : { type: 'object' as const },
  })),
];

const server = new Server({ name: 'bench-schemas', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name.startsWith('status_')) await new Promise((resolve) => setTimeout(resolve, statusMs));
  return { content: [{ type: 'text', text: 'ok' }] };
});
await server.connect(new StdioServerTransport());
