import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCodes, isLocalmcpError, LocalmcpError, type BreakerPolicy } from '@localmcp/plugin-api';
import type { Catalog } from '../catalog/catalog.js';
import type { Upstream } from '../upstream/upstream.js';
import type { UpstreamSupervisor } from '../upstream/supervisor.js';
import { InFlight } from '../util/in-flight.js';
import { beginRoute, type RouteTelemetry } from '../telemetry/route-telemetry.js';
import { withTraceMeta } from '../telemetry/trace-context.js';
import { isCircuitOpenError } from '../resilience/errors.js';
import type { FallbackChain } from '../resilience/fallbacks.js';
import type { ToolResultCache } from '../cache/tool-result-cache.js';
import type { Scope } from '../security/scopes.js';
import { CACHE_META_KEY } from '../cache/entry.js';
import { FALLBACK_META } from '../resilience/fallbacks.js';
import type { CallDone, GatewayEvents } from './events.js';
import { bareMessage, WireError } from './mcp-errors.js';

export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  onprogress?: (progress: Progress) => void;
  /** `_meta` of the downstream request, passed on (without its progress token, which the SDK sets per hop). */
  meta?: Record<string, unknown>;
  /** False: a failed tool call is not answered by the fallback chain (an equivalent tool being tried is not). */
  fallback?: boolean;
  /** What the caller may reach; fallbacks to equivalent tools stay inside it. Absent: everything. */
  scope?: Scope;
  /** Who is calling (`key:<id>`, `jwt:<sub>`, `token`, `anonymous`), for the audit trail. */
  principal?: string;
}

/**
 * Sends catalog requests to the upstream that owns them, under the upstream's original name, and turns upstream
 * failures into errors that say which server failed and how.
 */
export class Router {
  private readonly inFlight = new InFlight();
  /** Answers failed tool calls; set by the gateway once discovery (which the chain uses) exists. */
  fallbacks: FallbackChain | undefined;
  /** The tool result cache, when enabled; hits skip the breaker (they can be served while a circuit is open). */
  cache: ToolResultCache | undefined;
  /** What identifies an upstream's answers in cache keys (its name and serverInfo); set with the cache. */
  cacheIdentity: (server: string) => string = (server) => server;
  /** `security.limits.maxResultBytes`: a larger tool result is refused with RESULT_TOO_LARGE, not relayed. */
  maxResultBytes = Infinity;
  /** Spans of routing, cache, breaker and upstream calls, and upstream call metrics; set by the gateway. */
  telemetry: RouteTelemetry | undefined;

  constructor(
    private readonly catalog: Catalog,
    private readonly upstreams: UpstreamSupervisor,
    /** The circuit breaker every upstream call passes; none means calls go straight through. */
    private readonly breaker?: BreakerPolicy,
  ) {}

  get pending(): number {
    return this.inFlight.pending;
  }

  /** Resolves when no call is in flight, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void> {
    return this.inFlight.idle(timeoutMs);
  }

  /** Where `call:done` goes (the gateway's event bus); set by the gateway. */
  events: GatewayEvents | undefined;

  /** Calls a catalog tool (through the cache, the breaker and the fallbacks) and reports it as `call:done`. */
  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions = {},
  ): Promise<CallToolResult> {
    const entry = this.catalog.resolveTool(name);
    if (!entry || !this.events) return this.routeToolCall(name, args, options);
    const at = Date.now();
    const started = performance.now();
    const done = (status: CallDone['status'], extra: Pick<CallDone, 'error' | 'servedBy'>) =>
      this.events?.emit('call:done', {
        name,
        server: entry.server,
        tool: entry.originalName,
        status,
        durationMs: performance.now() - started,
        at,
        ...(options.principal === undefined ? {} : { principal: options.principal }),
        ...extra,
      });
    try {
      const result = await this.routeToolCall(name, args, options);
      done(result.isError ? 'tool-error' : 'ok', { servedBy: servedBy(result) });
      return result;
    } catch (error) {
      done('error', { error: bareMessage(error) });
      throw error;
    }
  }

  private async routeToolCall(
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions,
  ): Promise<CallToolResult> {
    const entry = this.catalog.resolveTool(name);
    if (!entry) {
      throw new LocalmcpError(
        ErrorCodes.TOOL_NOT_FOUND,
        `Unknown tool "${name}". Call tools/list for the available tools.`,
        {
          data: { tool: name },
        },
      );
    }
    const route = beginRoute(this.telemetry, name, entry.server);
    // The cache's own signal (not the caller's) reaches the upstream, so one caller leaving does not abort a
    // call others are waiting on; a background refresh reports no progress to anyone.
    const send = async (signal: AbortSignal | undefined, background: boolean) => {
      const callOptions = { ...options, signal, onprogress: background ? undefined : options.onprogress };
      const result = (await this.run(
        entry.server,
        'tools/call',
        entry.originalName,
        callOptions,
        (upstream, breakerSignal) =>
          upstream
            .client()
            .callTool(
              { name: entry.originalName, arguments: args, _meta: withTraceMeta(stripToken(options.meta)) },
              undefined,
              this.requestOptions(upstream, callOptions, breakerSignal),
            ),
      )) as CallToolResult;
      // Checked after the breaker saw an answer (the upstream is healthy) and before the cache keeps it.
      this.checkSize(name, entry.server, result);
      return result;
    };
    // A tool the cache may not keep can change the server's state, which makes its cached reads suspect
    // (server-memory's create_entities and read_graph): after it ran, that server's entries are dropped here, in
    // L2 and in the other processes. It still passes the cache (as a counted bypass), with the one decision.
    const decision = this.cache?.decide(entry.server, entry.originalName, entry.item.annotations);
    try {
      if (!this.cache || !decision) return await route.run(() => send(options.signal, false));
      const cache = this.cache;
      try {
        const viaCache = () =>
          cache.call(
            {
              server: entry.server,
              tool: entry.originalName,
              args: args ?? {},
              identity: this.cacheIdentity(entry.server),
              annotations: entry.item.annotations,
            },
            (signal, { background }) => send(signal, background),
            // The caller's signal is read only if the cache must call upstream (it may be created lazily).
            {
              get signal() {
                return options.signal;
              },
              decision,
            },
          );
        // Only a call the cache may answer gets a cache span; a bypass is routed straight on.
        return (await (decision.cacheable ? route.cache(viaCache) : route.run(viaCache))).result;
      } finally {
        if (!decision.cacheable) await cache.invalidateServer(entry.server);
      }
    } catch (error) {
      if (!this.fallbacks || options.fallback === false || options.signal?.aborted || !deservesFallback(error)) {
        throw error;
      }
      const call = {
        name,
        server: entry.server,
        tool: entry.originalName,
        args: args ?? {},
        error,
        scope: options.scope,
      };
      const answer = await this.fallbacks.answer(call, options.signal);
      if (answer) return answer;
      throw error;
    } finally {
      route.end();
    }
  }

  async getPrompt(
    name: string,
    args: Record<string, string> | undefined,
    options: CallOptions = {},
  ): Promise<GetPromptResult> {
    const entry = this.catalog.resolvePrompt(name);
    if (!entry)
      throw new LocalmcpError(
        ErrorCodes.PROMPT_NOT_FOUND,
        `Unknown prompt "${name}". Call prompts/list for the available prompts.`,
      );
    return this.run(entry.server, 'prompts/get', undefined, options, (upstream, signal) =>
      upstream
        .client()
        .getPrompt({ name: entry.originalName, arguments: args }, this.requestOptions(upstream, options, signal)),
    );
  }

  async readResource(uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    const server = this.catalog.resolveResource(uri);
    if (!server)
      throw new LocalmcpError(
        ErrorCodes.RESOURCE_NOT_FOUND,
        `Unknown resource "${uri}". Call resources/list for the available resources.`,
        { data: { uri } },
      );
    return this.run(server, 'resources/read', undefined, options, (upstream, signal) =>
      upstream.client().readResource({ uri }, this.requestOptions(upstream, options, signal)),
    );
  }

  private checkSize(name: string, server: string, result: CallToolResult): void {
    if (!Number.isFinite(this.maxResultBytes)) return;
    const bytes = Buffer.byteLength(JSON.stringify(result));
    if (bytes <= this.maxResultBytes) return;
    throw new LocalmcpError(
      ErrorCodes.RESULT_TOO_LARGE,
      `the result of "${name}" is ${bytes} bytes, over the gateway's limit of ${this.maxResultBytes} ` +
        '(security.limits.maxResultBytes); ask for less (a narrower query, a page, a range)',
      { data: { tool: name, server, bytes, limit: this.maxResultBytes } },
    );
  }

  /** `breakerSignal` is the policy's own (it may abandon a call); the caller's cancellation still applies. */
  private requestOptions(upstream: Upstream, options: CallOptions, breakerSignal: AbortSignal | undefined) {
    const signals = [options.signal, breakerSignal].filter((x): x is AbortSignal => x !== undefined);
    return {
      signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
      timeout: upstream.config.timeouts.requestMs,
      onprogress: options.onprogress,
      // A server that reports progress is working; the timeout then bounds the silence, not the whole call.
      resetTimeoutOnProgress: options.onprogress !== undefined,
    };
  }

  private async run<T>(
    server: string,
    method: string,
    tool: string | undefined,
    options: CallOptions,
    call: (upstream: Upstream, signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const upstream = this.upstreams.get(server);
    if (!upstream) throw new LocalmcpError(ErrorCodes.UPSTREAM_UNAVAILABLE, `upstream "${server}" is not configured`);
    const telemetry = this.telemetry;
    const attempt = (signal: AbortSignal | undefined) =>
      telemetry ? telemetry.upstream(server, method, tool, () => call(upstream, signal)) : call(upstream, signal);
    this.inFlight.begin();
    try {
      if (!this.breaker) return await attempt(undefined);
      const breaker = this.breaker;
      // The breaker sees the raw outcome (it classifies SDK errors itself); describe() words it afterwards.
      const execute = () => breaker.execute({ server, tool }, attempt, { signal: options.signal });
      return await (telemetry
        ? telemetry.breaker(server, tool, () => breaker.state?.({ server, tool }), execute)
        : execute());
    } catch (error) {
      throw this.describe(upstream, method, error);
    } finally {
      this.inFlight.end();
    }
  }

  private describe(upstream: Upstream, method: string, error: unknown): unknown {
    const server = upstream.name;
    if (error instanceof McpError) {
      if (error.code === ErrorCode.RequestTimeout) {
        return new LocalmcpError(
          ErrorCodes.UPSTREAM_TIMEOUT,
          `upstream "${server}" did not answer ${method} within ${upstream.config.timeouts.requestMs} ms`,
          { cause: error, data: { server } },
        );
      }
      if (error.code === ErrorCode.ConnectionClosed) {
        return new LocalmcpError(
          ErrorCodes.UPSTREAM_UNAVAILABLE,
          `upstream "${server}" closed the connection during ${method} (it is being restarted)`,
          { cause: error, data: { server } },
        );
      }
      // The upstream's own JSON-RPC error: keep its code, say whose it is.
      return new WireError(error.code, `[${server}] ${bareMessage(error)}`, error.data);
    }
    if (error instanceof Error && error.name === 'AbortError') return error;
    if (error instanceof LocalmcpError) return error;
    // Anything else is a transport failure (fetch failed, socket reset): the connection is suspect.
    upstream.connectionLost(error);
    return new LocalmcpError(
      ErrorCodes.UPSTREAM_ERROR,
      `upstream "${server}" failed during ${method}: ${bareMessage(error)}`,
      { cause: error, data: { server } },
    );
  }
}

// The call got no answer at all: refused by an open circuit, timed out, the server down, restarting or crashed,
// or the transport failed. An upstream that answered with its own JSON-RPC error is alive and has spoken: its
// error passes through unchanged (with its code), as a client of that server would see it.
const NO_ANSWER = new Set<string>([
  ErrorCodes.UPSTREAM_TIMEOUT,
  ErrorCodes.UPSTREAM_UNAVAILABLE,
  ErrorCodes.UPSTREAM_ERROR,
]);

function deservesFallback(error: unknown): boolean {
  return isCircuitOpenError(error) || (isLocalmcpError(error) && NO_ANSWER.has(error.code));
}

/** A cache layer or `fallback`, from the marks the cache and the fallback chain put in `_meta`. */
function servedBy(result: CallToolResult): string | undefined {
  if (result._meta?.[FALLBACK_META] !== undefined) return 'fallback';
  const cached = result._meta?.[CACHE_META_KEY] as { layer?: unknown } | undefined;
  return typeof cached?.layer === 'string' ? cached.layer : undefined;
}

function stripToken(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const { progressToken: _dropped, ...rest } = meta;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
