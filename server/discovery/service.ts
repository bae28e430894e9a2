import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import picomatch from 'picomatch';
import type { Catalog } from '../catalog/catalog.js';
import type { DiscoveryConfig, DiscoveryMode } from '../config/schema.js';
import type { CallOptions, Router } from '../gateway/router.js';
import type { UpstreamSupervisor } from '../upstream/supervisor.js';
import { ArgumentValidator, formatProblems } from './argument-validator.js';
import { isMetaTool, META_TOOLS } from './meta-tools.js';
import type { ToolIndex, ToolSearchResult } from './tool-index.js';

export interface DiscoveryServiceOptions {
  config: DiscoveryConfig;
  catalog: Catalog;
  router: Router;
  upstreams: UpstreamSupervisor;
  index: ToolIndex;
}

export interface ServerSummary {
  name: string;
  summary: string;
  tools: number;
  state: string;
}

const text = (value: string, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: value }],
  ...(isError ? { isError: true } : {}),
});

/**
 * What a downstream session sees of the tools, per mode: `all` lists the catalog, `discovery` only the
 * meta-tools, `hybrid` the meta-tools plus pinned tools. Calls are checked against the tool's inputSchema before
 * they go upstream, in every mode.
 */
export class DiscoveryService {
  readonly validator = new ArgumentValidator();
  private readonly pinned: (name: string) => boolean;

  constructor(private readonly options: DiscoveryServiceOptions) {
    const globs = options.config.pinned;
    this.pinned = globs.length > 0 ? picomatch(globs) : () => false;
  }

  get index(): ToolIndex {
    return this.options.index;
  }

  listTools(mode: DiscoveryMode): Tool[] {
    const catalog = this.options.catalog.listTools();
    const published = (entries: typeof catalog) => entries.map((e) => ({ ...e.item, name: e.publicName }));
    if (mode === 'all') return published(catalog);
    if (mode === 'discovery') return META_TOOLS;
    return [...META_TOOLS, ...published(catalog.filter((e) => this.pinned(e.publicName)))];
  }

  async callTool(name: string, args: Record<string, unknown> | undefined, mode: DiscoveryMode, options: CallOptions) {
    if (mode !== 'all' && isMetaTool(name)) return this.callMetaTool(name, args ?? {}, options);
    // Tools stay callable by name in every mode: a model that remembers a name need not search again.
    const entry = this.options.catalog.resolveTool(name);
    if (entry) {
      const check = this.validator.validate(entry.item.inputSchema as Record<string, unknown>, args);
      if (!check.ok) {
        throw new LocalmcpError(
          ErrorCodes.INVALID_ARGUMENTS,
          `Invalid arguments for "${name}":\n${formatProblems(check.problems)}`,
          {
            data: { tool: name, problems: check.problems },
          },
        );
      }
    }
    return this.options.router.callTool(name, args, options);
  }

  async search(query: string, options: { limit?: number; servers?: string[] } = {}): Promise<ToolSearchResult[]> {
    const { defaultLimit, maxLimit } = this.options.config;
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? defaultLimit)), maxLimit);
    return this.options.index.search(query, { limit, servers: options.servers });
  }

  listServers(): ServerSummary[] {
    return this.options.upstreams.statuses().map((s) => ({
      name: s.name,
      summary: s.description ?? s.serverInfo?.name ?? '',
      tools: this.options.catalog.toolCount(s.name),
      state: s.state,
    }));
  }

  private async callMetaTool(
    name: string,
    args: Record<string, unknown>,
    options: CallOptions,
  ): Promise<CallToolResult> {
    const meta = META_TOOLS.find((tool) => tool.name === name)!;
    const check = this.validator.validate(meta.inputSchema as Record<string, unknown>, args);
    if (!check.ok) return text(`Invalid arguments for ${name}:\n${formatProblems(check.problems)}`, true);
    switch (name) {
      case 'search_tools': {
        const server = args.server as string | string[] | undefined;
        const servers = server === undefined ? undefined : Array.isArray(server) ? server : [server];
        const tools = await this.search(String(args.query), { limit: args.limit as number | undefined, servers });
        const results = tools.map(({ matched: _matched, ...tool }) => tool);
        if (results.length === 0) {
          return text(
            JSON.stringify({
              tools: [],
              hint: 'No tool matched. Try other words, or list_servers to see what is available.',
            }),
          );
        }
        return text(JSON.stringify({ tools: results }));
      }
      case 'list_servers':
        return text(JSON.stringify({ servers: this.listServers() }));
      default:
        return this.callThrough(String(args.name), (args.arguments ?? {}) as Record<string, unknown>, options);
    }
  }

  /** call_tool: problems come back as a tool error the model can read and fix, not as a protocol error. */
  private async callThrough(
    name: string,
    args: Record<string, unknown>,
    options: CallOptions,
  ): Promise<CallToolResult> {
    const entry = this.options.catalog.resolveTool(name);
    if (!entry) {
      const similar = (await this.search(name.replace(/[_-]+/g, ' '), { limit: 3 })).map((t) => t.name);
      const hint = similar.length > 0 ? ` Similar tools: ${similar.join(', ')}.` : '';
      return text(`Unknown tool "${name}". Use search_tools to find tool names.${hint}`, true);
    }
    const check = this.validator.validate(entry.item.inputSchema as Record<string, unknown>, args);
    if (!check.ok) {
      return text(
        `The arguments for "${name}" do not match its inputSchema; nothing was run. Fix these and call again:\n` +
          `${formatProblems(check.problems)}\ninputSchema: ${JSON.stringify(entry.item.inputSchema)}`,
        true,
      );
    }
    return this.options.router.callTool(name, args, options);
  }
}
