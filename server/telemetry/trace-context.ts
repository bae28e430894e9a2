import { context, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';

/**
 * W3C Trace Context across the gateway: taken from a downstream request (its `_meta` first, where MCP carries it
 * on every transport, then its HTTP headers) and passed to upstreams (in `_meta` on every transport, and as HTTP
 * headers to HTTP upstreams). Until a gateway starts tracing, the global propagator is OpenTelemetry's no-op and
 * there is never an active span, so each function here returns its input.
 */

type Carrier = Record<string, unknown>;

const getter = {
  keys: (carrier: Carrier) => Object.keys(carrier),
  get: (carrier: Carrier, key: string) => {
    const value = carrier[key] ?? carrier[key.toLowerCase()];
    if (typeof value === 'string') return value;
    return Array.isArray(value) && typeof value[0] === 'string' ? (value[0] as string) : undefined;
  },
};

/** The parent context of a downstream request: `_meta.traceparent`, else the `traceparent` header, else none. */
export function extractTraceContext(
  meta: Record<string, unknown> | undefined,
  headers: Record<string, unknown> | undefined,
): Context {
  if (meta && typeof meta.traceparent === 'string') return propagation.extract(ROOT_CONTEXT, meta, getter);
  if (headers) return propagation.extract(ROOT_CONTEXT, headers, getter);
  return ROOT_CONTEXT;
}

/** `meta` plus the active span's `traceparent` (and `tracestate`), or `meta` itself when nothing is traced. */
export function withTraceMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const active = context.active();
  if (!trace.getSpan(active)) return meta;
  const fields: Record<string, string> = {};
  propagation.inject(active, fields);
  return Object.keys(fields).length > 0 ? { ...meta, ...fields } : meta;
}

/** Request options for an upstream HTTP call with the active span's `traceparent` header added, when there is one. */
export function withTraceHeaders(init: RequestInit | undefined): RequestInit | undefined {
  const active = context.active();
  if (!trace.getSpan(active)) return init;
  const headers = new Headers(init?.headers);
  propagation.inject(active, headers, { set: (carrier, key, value) => carrier.set(key, value) });
  return { ...init, headers };
}
