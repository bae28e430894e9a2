import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCodes, isLocalmcpError, type BreakerState } from '@localmcp/plugin-api';
import type { GatewayMetrics, UpstreamCallStatus } from './metrics.js';
import { context, trace, type Span } from '@opentelemetry/api';
import { SpanKind, type Tracing } from './tracing.js';

/** One routed tool call's span: `run` makes it the parent of what `fn` starts; `end` closes it. */
export interface RouteScope {
  run<T>(fn: () => Promise<T>): Promise<T>;
  cache<T extends { layer: string; stale: boolean }>(fn: () => Promise<T>): Promise<T>;
  end(): void;
}

const NO_ROUTE: RouteScope = { run: (fn) => fn(), cache: (fn) => fn(), end: () => undefined };

/** The route scope of a tool call: a no-op without telemetry or with tracing off. */
export function beginRoute(telemetry: RouteTelemetry | undefined, tool: string, server: string): RouteScope {
  return telemetry ? telemetry.begin(tool, server) : NO_ROUTE;
}

/**
 * The router's spans and upstream-call metrics: `route` (catalog lookup to answer), `cache` (the tool result
 * cache: which layer answered), `breaker` (the circuit the call passed) and `upstream` (the call itself, a CLIENT
 * span whose context goes to the upstream in `_meta` and, over HTTP, in headers). With tracing off each is a
 * plain call of `fn`; `upstream` still times the call for the metrics.
 */
export class RouteTelemetry {
  constructor(
    private readonly tracing: () => Tracing,
    private readonly metrics: GatewayMetrics | undefined,
  ) {}

  /** The catalog routing span of a tool call (from the resolved name to the answer). */
  begin(tool: string, server: string): RouteScope {
    const tracing = this.tracing();
    if (!tracing.enabled) return NO_ROUTE;
    const span = tracing.startSpan(`route ${tool}`, {
      attributes: { 'gen_ai.tool.name': tool, 'localmcp.server': server },
    }) as Span;
    const parent = trace.setSpan(context.active(), span);
    return {
      run: (fn) => context.with(parent, fn),
      cache: (fn) =>
        context.with(parent, () =>
          tracing.span(`cache ${tool}`, { attributes: { 'localmcp.server': server } }, async (cacheSpan) => {
            const answer = await fn();
            cacheSpan?.setAttribute('localmcp.cache.layer', answer.layer);
            cacheSpan?.setAttribute('localmcp.cache.stale', answer.stale);
            return answer;
          }),
        ),
      end: () => span.end(),
    };
  }

  breaker<T>(
    server: string,
    tool: string | undefined,
    stateOf: () => BreakerState | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const tracing = this.tracing();
    if (!tracing.enabled) return fn();
    const state = stateOf();
    const attributes = {
      'localmcp.server': server,
      ...(tool ? { 'localmcp.tool': tool } : {}),
      ...(state ? { 'localmcp.breaker.state': state } : {}),
    };
    return tracing.span(`breaker ${server}`, { attributes }, fn);
  }

  async upstream<T>(server: string, method: string, tool: string | undefined, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const done = (status: UpstreamCallStatus) =>
      this.metrics?.upstreamCall(server, method, status, (performance.now() - started) / 1000);
    const tracing = this.tracing();
    const run = () =>
      fn().then(
        (value) => (done('ok'), value),
        (error: unknown) => {
          done(upstreamStatus(error));
          throw error;
        },
      );
    if (!tracing.enabled) return run();
    const name = `upstream ${method} ${tool ? `${server}/${tool}` : server}`;
    const attributes = {
      'mcp.method.name': method,
      'localmcp.server': server,
      ...(tool ? { 'gen_ai.tool.name': tool } : {}),
    };
    return tracing.span(name, { kind: SpanKind.CLIENT, attributes }, run);
  }
}

/** How a raw upstream call failed, before the router words the error for the client. */
export function upstreamStatus(error: unknown): UpstreamCallStatus {
  if (error instanceof McpError) {
    if (error.code === Number(ErrorCode.RequestTimeout)) return 'timeout';
    if (error.code === Number(ErrorCode.ConnectionClosed)) return 'unavailable';
    return 'error';
  }
  if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
  if (isLocalmcpError(error)) {
    if (error.code === ErrorCodes.UPSTREAM_TIMEOUT) return 'timeout';
    if (error.code === ErrorCodes.UPSTREAM_UNAVAILABLE) return 'unavailable';
  }
  return 'failed';
}
