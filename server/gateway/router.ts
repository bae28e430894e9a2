import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCodes, LocalmcpError, type BreakerPolicy } from '@localmcp/plugin-api';
import type { Catalog } from '../catalog/catalog.js';
import type { Upstream } from '../upstream/upstream.js';
import type { UpstreamSupervisor } from '../upstream/supervisor.js';
import { InFlight } from '../util/in-flight.js';
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
}

/**
 * Sends catalog requests to the upstream that owns them, under the upstream's original name, and turns upstream
 * failures into errors that say which server failed and how.
 */
export class Router {
  private readonly inFlight = new InFlight();

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

  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions = {},
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
    return this.run(entry.server, 'tools/call', entry.originalName, options, (upstream, signal) =>
      upstream
        .client()
        .callTool(
          { name: entry.originalName, arguments: args, _meta: stripToken(options.meta) },
          undefined,
          this.requestOptions(upstream, options, signal),
        ),
    ) as Promise<CallToolResult>;
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
    this.inFlight.begin();
    try {
      if (!this.breaker) return await call(upstream, undefined);
      // The breaker sees the raw outcome (it classifies SDK errors itself); describe() words it afterwards.
      return await this.breaker.execute({ server, tool }, (signal) => call(upstream, signal), {
        signal: options.signal,
      });
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

function stripToken(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const { progressToken: _dropped, ...rest } = meta;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
