import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Catalog } from '../catalog/catalog.js';
import { argumentsHash, type AuditLog } from './audit-log.js';
import type { GatewayMetrics, RequestStatus } from './metrics.js';
import { extractTraceContext } from './trace-context.js';
import { SpanKind, type Tracing } from './tracing.js';

/** What instruments downstream sessions; `tracing()` is read per request (tracing starts after sessions can open). */
export interface SessionTelemetryDeps {
  metrics: GatewayMetrics | undefined;
  tracing: () => Tracing;
  audit: AuditLog | undefined;
  catalog: Catalog;
}

/** Who a session serves, for the audit log and span attributes. */
export interface SessionIdentity {
  principal: string;
}

// The discovery meta-tools are answered by the gateway itself: no upstream server owns them.
const META_TOOLS = new Set(['search_tools', 'list_servers', 'call_tool']);

// Methods are metric labels: a client's made-up method names are counted together as `_other`.
const MCP_METHODS = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/result',
  'tasks/list',
  'tasks/cancel',
]);

interface Target {
  server: string;
  /** The metric label: a catalog name or a meta-tool, never a name a client made up (unbounded cardinality). */
  tool: string;
  /** For the audit log: the name as called, and the tool `call_tool` ran. */
  called?: string;
  runs?: string;
}

interface Pending {
  method: string;
  target: Target;
  started: number;
  at: number;
  span: Span | undefined;
  argsSha256?: string;
}

/**
 * Instruments one downstream MCP session at the JSON-RPC level, whatever its transport (Streamable HTTP, SSE,
 * stdio): each request is counted and timed until its response is sent, traced as a SERVER span (the parent comes
 * from `_meta.traceparent` or the HTTP `traceparent` header) that is active while the handler runs, and, for
 * tools/call, written to the audit log. The SDK offers no request hook, so the transport the server connects to is
 * wrapped after `connect()` (which installs the SDK's own `onmessage`).
 */
export function instrumentSession(server: Server, deps: SessionTelemetryDeps, identity: SessionIdentity): void {
  const connect = server.connect.bind(server);
  server.connect = async (transport: Transport) => {
    await connect(transport);
    observe(server, transport, deps, identity);
  };
}

function observe(server: Server, transport: Transport, deps: SessionTelemetryDeps, identity: SessionIdentity): void {
  const pending = new Map<RequestId, Pending>();
  const finish = (id: RequestId, status: RequestStatus, code?: number) => {
    const request = pending.get(id);
    if (!request) return;
    pending.delete(id);
    const seconds = (performance.now() - request.started) / 1000;
    const { server: owner, tool } = request.target;
    deps.metrics?.request({ method: request.method, server: owner, tool, status, seconds });
    if (request.span) {
      request.span.setAttribute('localmcp.status', status);
      if (code !== undefined) request.span.setAttribute('rpc.jsonrpc.error_code', code);
      if (status !== 'ok') request.span.setStatus({ code: SpanStatusCode.ERROR, message: status });
      request.span.end();
    }
    if (request.method === 'tools/call' && deps.audit) {
      const client = server.getClientVersion();
      deps.audit.write({
        time: new Date(request.at).toISOString(),
        principal: identity.principal,
        ...(client ? { client: `${client.name}/${client.version}` } : {}),
        ...(transport.sessionId ? { session: transport.sessionId } : {}),
        tool: request.target.called ?? tool,
        ...(request.target.runs ? { target: request.target.runs } : {}),
        ...(owner ? { server: owner } : {}),
        status,
        ...(code !== undefined ? { code } : {}),
        durationMs: Math.round(seconds * 1e6) / 1e3,
        argsSha256: request.argsSha256!,
      });
    }
  };

  const onmessage = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ('method' in message && 'id' in message) {
      const params = (message.params ?? {}) as Record<string, unknown>;
      const target = resolveTarget(deps.catalog, message.method, params);
      const tracing = deps.tracing();
      let span: Span | undefined;
      let parent = context.active();
      if (tracing.enabled) {
        const meta = params._meta as Record<string, unknown> | undefined;
        parent = extractTraceContext(meta, extra?.requestInfo?.headers as Record<string, unknown> | undefined);
        span = tracing.startSpan(target.tool ? `${message.method} ${target.tool}` : message.method, {
          kind: SpanKind.SERVER,
          parent,
          attributes: {
            'mcp.method.name': message.method,
            'jsonrpc.request.id': String(message.id),
            'localmcp.principal': identity.principal,
            ...(transport.sessionId ? { 'mcp.session.id': transport.sessionId } : {}),
            ...(target.tool ? { 'gen_ai.tool.name': target.runs ?? target.tool } : {}),
            ...(target.server ? { 'localmcp.server': target.server } : {}),
          },
        });
      }
      pending.set(message.id, {
        method: MCP_METHODS.has(message.method) ? message.method : '_other',
        target,
        started: performance.now(),
        at: Date.now(),
        span,
        ...(message.method === 'tools/call' && deps.audit ? { argsSha256: argumentsHash(params.arguments) } : {}),
      });
      // The handler runs in the span's context: what it awaits (routing, cache, upstream) nests under it.
      if (span) return context.with(trace.setSpan(parent, span), () => onmessage?.(message, extra));
    } else if ('method' in message && message.method === 'notifications/cancelled') {
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (requestId !== undefined) finish(requestId, 'cancelled');
    }
    return onmessage?.(message, extra);
  };

  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options) => {
    // The response goes out first and is counted after: the bookkeeping is not on the client's critical path (the
    // transports write synchronously, so `seconds` still ends when the bytes were handed to the socket or pipe).
    const sent = send(message, options);
    if ('id' in message && message.id !== undefined && !('method' in message)) {
      if ('error' in message) finish(message.id, 'error', message.error.code);
      else if ('result' in message) finish(message.id, message.result.isError === true ? 'tool_error' : 'ok');
    }
    return sent;
  };

  const onclose = transport.onclose;
  transport.onclose = () => {
    for (const id of [...pending.keys()]) finish(id, 'closed');
    onclose?.();
  };
}

/** The server and tool a request is about, as metric labels and audit fields. */
function resolveTarget(catalog: Catalog, method: string, params: Record<string, unknown>): Target {
  const name = typeof params.name === 'string' ? params.name : undefined;
  if (method === 'tools/call' && name !== undefined) {
    const args = params.arguments as Record<string, unknown> | undefined;
    const runs = name === 'call_tool' && typeof args?.name === 'string' ? args.name : undefined;
    const entry = catalog.resolveTool(runs ?? name);
    if (entry) return { server: entry.server, tool: entry.publicName, called: name, runs };
    if (META_TOOLS.has(name) && runs === undefined) return { server: '', tool: name, called: name };
    return { server: '', tool: '_unknown', called: name, runs };
  }
  if (method === 'prompts/get' && name !== undefined) {
    return { server: catalog.resolvePrompt(name)?.server ?? '', tool: '' };
  }
  if (method === 'resources/read' && typeof params.uri === 'string') {
    return { server: catalog.resolveResource(params.uri) ?? '', tool: '' };
  }
  return { server: '', tool: '' };
}
