import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  type CallToolRequest,
  type CallToolResult,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type MessageExtraInfo,
  type RequestId,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { isObject } from '../util/json.js';

type PlainToolCall = JSONRPCRequest & CallToolRequest;

export type ToolCallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;
export type ToolCallHandler = (request: CallToolRequest, extra: ToolCallExtra) => Promise<CallToolResult>;

/**
 * Answers plain `tools/call` requests of a session with `handler` without the SDK's per-request machinery, the
 * rest of the session staying the SDK's.
 *
 * For every request the SDK's `Protocol` first tries the message as a response and an error (two failing zod
 * parses), parses it as a CallToolRequest twice (Protocol, then Server's tools/call wrapper), and parses the
 * handler's result as a CallToolResult. For a cached call on a 2-core machine that was about 25 µs of CPU, more
 * than the cache and the routing together (issue 11: a cache hit through the gateway is to beat the direct call).
 * Here a plain request (params an object with a string `name`, `arguments` absent or an object, no `_meta`, no
 * task; the SDK's CallToolRequestSchema accepts all of them) goes straight to the handler the SDK path also uses,
 * and its answer (or error, worded as the SDK words a handler's error) goes back through the transport's `send`,
 * where session telemetry sees it. A tools/call whose params cannot be a call (no object, no string name, arguments
 * that are not an object) is refused here with invalid params naming what is wrong. Anything else (`_meta`, tasks,
 * other methods) takes the SDK path.
 *
 * Semantics kept from the SDK: `notifications/cancelled` aborts the handler's signal and no response is sent;
 * closing the transport aborts every call in flight; `sendNotification`/`sendRequest` are tied to the request.
 * Not repeated: the result's validation, since every result here is one the gateway built or the upstream client
 * already validated (the SDK client parses every tools/call result), or a copy of such one from the cache.
 *
 * Call before anything else wraps `server.connect` (session telemetry must see these requests too): the
 * dispatcher goes between the transport and the SDK's handler that `connect()` installs.
 */
export function answerToolCallsDirectly(server: Server, handler: ToolCallHandler): void {
  const connect = server.connect.bind(server);
  server.connect = async (transport: Transport) => {
    await connect(transport);
    dispatch(server, transport, handler);
  };
}

/**
 * One call under way. Its AbortSignal is made on first use: creating one costs a few µs on Node 20, a noticeable
 * share of a cache hit, which never reads it (only a call that goes upstream does).
 */
class InFlightCall {
  private controller: AbortController | undefined;
  cancelled = false;

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.cancelled && !this.controller.signal.aborted) this.controller.abort();
    return this.controller.signal;
  }

  cancel(reason?: unknown): void {
    this.cancelled = true;
    this.controller?.abort(reason);
  }
}

function dispatch(server: Server, transport: Transport, handler: ToolCallHandler): void {
  const sdk = transport.onmessage;
  const inFlight = new Map<RequestId, InFlightCall>();

  const run = (request: PlainToolCall, info: MessageExtraInfo | undefined) => {
    const call = new InFlightCall();
    inFlight.set(request.id, call);
    const extra: ToolCallExtra = {
      get signal() {
        return call.signal;
      },
      sessionId: transport.sessionId,
      requestId: request.id,
      authInfo: info?.authInfo,
      requestInfo: info?.requestInfo,
      sendNotification: async (notification) => {
        if (!call.cancelled) await server.notification(notification, { relatedRequestId: request.id });
      },
      sendRequest: (r, schema, options) => server.request(r, schema, { ...options, relatedRequestId: request.id }),
    };
    const finish = (message: JSONRPCMessage) => {
      if (inFlight.get(request.id) === call) inFlight.delete(request.id);
      if (call.cancelled) return; // cancelled or closed: the SDK sends nothing either
      transport.send(message).catch((error: unknown) => server.onerror?.(asError(error)));
    };
    let answer: Promise<CallToolResult>;
    try {
      answer = handler(request, extra);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      // Members in the order the SDK writes them: clients see byte-for-byte the same answers on both paths.
      (result) => finish({ result, jsonrpc: '2.0', id: request.id }),
      (error: unknown) => finish({ jsonrpc: '2.0', id: request.id, error: wireError(error) }),
    );
  };

  transport.onmessage = (message, extra) => {
    const route = routeOf(message);
    if (route === 'direct' && !inFlight.has((message as PlainToolCall).id)) return run(message as PlainToolCall, extra);
    if (typeof route === 'object') {
      const { id } = message as JSONRPCRequest;
      const error = { code: ErrorCode.InvalidParams, message: `Invalid tools/call request: ${route.problem}` };
      transport.send({ jsonrpc: '2.0', id, error }).catch((e: unknown) => server.onerror?.(asError(e)));
      return;
    }
    if ('method' in message && message.method === 'notifications/cancelled' && inFlight.size > 0) {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      const call = id === undefined ? undefined : inFlight.get(id);
      if (call) {
        inFlight.delete(id!);
        call.cancel((message.params as { reason?: unknown }).reason);
      }
    }
    return sdk?.(message, extra);
  };

  const onclose = transport.onclose;
  transport.onclose = () => {
    for (const call of inFlight.values()) call.cancel();
    inFlight.clear();
    onclose?.();
  };
}

/**
 * Where a message goes (see {@link answerToolCallsDirectly}): `direct`, a plain tools/call; a `problem`, a tools/call
 * whose params cannot be a call, in words a client can act on (the SDK's answer to these was an internal error
 * carrying zod's issue list as JSON); `sdk`, anything else, a tools/call with `_meta` or a task included.
 */
function routeOf(message: JSONRPCMessage): 'direct' | 'sdk' | { problem: string } {
  if (!('method' in message) || message.method !== 'tools/call' || !('id' in message)) return 'sdk';
  const params = message.params as unknown;
  if (!isObject(params))
    return { problem: 'params must be an object naming the tool: {"name": "...", "arguments": {...}}' };
  if (typeof params.name !== 'string') return { problem: 'params.name must be a string, the name of the tool to call' };
  if (params.arguments !== undefined && !isObject(params.arguments)) {
    return { problem: "params.arguments must be an object of the tool's arguments by name" };
  }
  return params._meta !== undefined || params.task !== undefined ? 'sdk' : 'direct';
}

/** A handler's error as the SDK's Protocol puts it in the response: code, message and data, nothing else. */
function wireError(error: unknown): { code: number; message: string; data?: unknown } {
  const { code, message, data } = (error ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  return {
    code: Number.isSafeInteger(code) ? (code as number) : ErrorCode.InternalError,
    message: typeof message === 'string' ? message : 'Internal error',
    ...(data !== undefined ? { data } : {}),
  };
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
