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
import type { PredictiveService } from './predictive/predictive-service.js';
import type { BreakerState } from '@localmcp/plugin-api';
import { allows, allowsServer, FULL_ACCESS, type Scope } from '../security/scopes.js';

export interface DiscoveryServiceOptions {
  config: DiscoveryConfig;
  catalog: Catalog;
  router: Router;
  upstreams: UpstreamSupervisor;
  index: ToolIndex;
  /** The breaker state a call to a tool meets now; anything but CLOSED is shown as degraded. */
  health?: (server: string, tool: string) => BreakerState;
}

/** A call's options as discovery takes them: the router's, and the session it belongs to. */
export interface DiscoveryCallOptions extends CallOptions {
  /**
   * The MCP session or agent run the call belongs to: its calls in order teach predictive pre-loading which tool
   * follows which, and its search_tools rankings favour likely successors of its last tool.
   */
  session?: string;
}

export interface ServerSummary {
  name: string;
  summary: string;
  tools: number;
  state: string;
}

const unknownTool = (name: string) =>
  new LocalmcpError(ErrorCodes.TOOL_NOT_FOUND, `Unknown tool "${name}". Call tools/list for the available tools.`, {
    data: { tool: name },
  });

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
  /** Learned tool transitions (`discovery.predictive`); set by the gateway. */
  predictive: PredictiveService | undefined;
  private readonly pinned: (name: string) => boolean;

  constructor(private readonly options: DiscoveryServiceOptions) {
    const globs = options.config.pinned;
    this.pinned = globs.length > 0 ? picomatch(globs) : () => false;
  }

  get index(): ToolIndex {
    return this.options.index;
  }

  /** Whether `scope` reaches the catalog tool `name` (false for names that are not in the catalog). */
  allowsTool(scope: Scope, name: string): boolean {
    if (scope.admin) return true;
    const entry = this.options.catalog.resolveTool(name);
    return entry !== undefined && allows(scope, entry.server, entry.originalName, entry.publicName);
  }

  /** What a session of `mode` lists; only the tools `scope` grants (the meta-tools are scoped inside). */
  listTools(mode: DiscoveryMode, scope: Scope = FULL_ACCESS): Tool[] {
    const catalog = this.options.catalog
      .listTools()
      .filter((e) => scope.admin || allows(scope, e.server, e.originalName, e.publicName));
    const published = (entries: typeof catalog) =>
      entries.map((e) => this.markDegraded({ ...e.item, name: e.publicName }, e.server, e.originalName));
    if (mode === 'all') return published(catalog);
    if (mode === 'discovery') return META_TOOLS;
    return [...META_TOOLS, ...published(catalog.filter((e) => this.pinned(e.publicName)))];
  }

  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    mode: DiscoveryMode,
    options: DiscoveryCallOptions,
  ) {
    if (mode !== 'all' && isMetaTool(name)) return this.callMetaTool(name, args ?? {}, options);
    // Tools stay callable by name in every mode: a model that remembers a name need not search again.
    const entry = this.options.catalog.resolveTool(name);
    // Out of scope reads exactly like unknown: a key must not learn what other servers offer.
    if (entry && options.scope && !this.allowsTool(options.scope, name)) throw unknownTool(name);
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
    return this.routed(name, args, options);
  }

  /** A catalog tool call through the router; a successful one is a step of its session for predictive learning. */
  private async routed(name: string, args: Record<string, unknown> | undefined, options: DiscoveryCallOptions) {
    // `options` as they are (the router ignores `session`): a copy would read a lazily created signal.
    const result = await this.options.router.callTool(name, args, options);
    if (!result.isError) this.predictive?.observe(options.session, name);
    return result;
  }

  /**
   * Ranked tools; with a `scope`, ranked among the tools it grants (not filtered after the top k). With a `session`
   * whose last tool is known, tools that often follow it are boosted (`discovery.predictive.boost`).
   */
  async search(
    query: string,
    options: { limit?: number; servers?: string[]; scope?: Scope; session?: string } = {},
  ): Promise<ToolSearchResult[]> {
    const { defaultLimit, maxLimit } = this.options.config;
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? defaultLimit)), maxLimit);
    const scope = options.scope;
    const accept = scope && !scope.admin ? (name: string) => this.allowsTool(scope, name) : undefined;
    const predictive = this.predictive?.lastTool(options.session) === undefined ? undefined : this.predictive;
    const pool = limit + (predictive?.extraCandidates ?? 0);
    const found = await this.options.index.search(query, { limit: pool, servers: options.servers, accept });
    const results = predictive ? predictive.rerank(options.session, found, limit) : found;
    if (!this.options.health) return results;
    return results.map((result) => {
      const entry = this.options.catalog.resolveTool(result.name);
      const state = entry ? this.options.health!(entry.server, entry.originalName) : 'CLOSED';
      if (state === 'CLOSED') return result;
      return { ...result, state, reason: `${result.reason}; degraded: circuit ${state}, calls may get a fallback` };
    });
  }

  /**
   * A tool whose circuit is not CLOSED is listed with its state in `_meta` and a note at the head of its
   * description, which is what a model reads: it can still call it, but may get a fallback answer.
   */
  private markDegraded(tool: Tool, server: string, original: string): Tool {
    const state = this.options.health?.(server, original) ?? 'CLOSED';
    if (state === 'CLOSED') return tool;
    return {
      ...tool,
      description: `[degraded: circuit ${state}; calls may get a fallback answer] ${tool.description ?? ''}`.trim(),
      _meta: { ...tool._meta, 'localmcp/breaker': { state } },
    };
  }

  /** The servers `scope` reaches (wholly, or through at least one granted tool), with the tools it grants. */
  listServers(scope: Scope = FULL_ACCESS): ServerSummary[] {
    const granted = new Map<string, number>();
    for (const e of this.options.catalog.listTools()) {
      if (scope.admin || allows(scope, e.server, e.originalName, e.publicName)) {
        granted.set(e.server, (granted.get(e.server) ?? 0) + 1);
      }
    }
    return this.options.upstreams
      .statuses()
      .filter((s) => allowsServer(scope, s.name) || granted.has(s.name))
      .map((s) => ({
        name: s.name,
        summary: s.description ?? s.serverInfo?.name ?? '',
        tools: granted.get(s.name) ?? 0,
        state: s.state,
      }));
  }

  private async callMetaTool(
    name: string,
    args: Record<string, unknown>,
    options: DiscoveryCallOptions,
  ): Promise<CallToolResult> {
    const meta = META_TOOLS.find((tool) => tool.name === name)!;
    const check = this.validator.validate(meta.inputSchema as Record<string, unknown>, args);
    if (!check.ok) return text(`Invalid arguments for ${name}:\n${formatProblems(check.problems)}`, true);
    switch (name) {
      case 'search_tools': {
        const server = args.server as string | string[] | undefined;
        const servers = server === undefined ? undefined : Array.isArray(server) ? server : [server];
        const tools = await this.search(String(args.query), {
          limit: args.limit as number | undefined,
          servers,
          scope: options.scope,
          session: options.session,
        });
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
        return text(JSON.stringify({ servers: this.listServers(options.scope) }));
      default:
        return this.callThrough(String(args.name), (args.arguments ?? {}) as Record<string, unknown>, options);
    }
  }

  /** call_tool: problems come back as a tool error the model can read and fix, not as a protocol error. */
  private async callThrough(
    name: string,
    args: Record<string, unknown>,
    options: DiscoveryCallOptions,
  ): Promise<CallToolResult> {
    const found = this.options.catalog.resolveTool(name);
    const entry = found && (!options.scope || this.allowsTool(options.scope, name)) ? found : undefined;
    if (!entry) {
      const query = name.replace(/[_-]+/g, ' ');
      const similar = (await this.search(query, { limit: 3, scope: options.scope })).map((t) => t.name);
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
    return this.routed(name, args, options);
  }
}
