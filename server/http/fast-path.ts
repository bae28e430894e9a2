import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  StreamableHTTPServerTransport,
  type StreamableHTTPServerTransportOptions,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { DEFAULT_SSE_KEEP_ALIVE_MS } from '@modelcontextprotocol/sdk/server/sseKeepAlive.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  RELATED_TASK_META_KEY,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

import { isObject } from '../util/json.js';
import { plainMessage } from '../util/json-rpc.js';

type Inbound = (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

/** One request answered on the fast path, until its response is written. */
interface FastExchange {
  res: ServerResponse;
  /** Set once the answer turned into an event stream (something came before the response, or it took long). */
  streaming: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The methods the gateway's session server answers itself, from the catalog, the cache or one upstream call,
 * without calling back to the client. Anything else (initialize above all) keeps the SDK's path.
 */
const FAST_METHODS = new Set([
  'tools/call',
  'tools/list',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'ping',
]);

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
} as const;

/**
 * The SDK's Streamable HTTP server transport with a fast path for the common exchange: one JSON-RPC request
 * (`tools/call`, `tools/list`, ...) in an initialized session, answered with one `application/json` body.
 *
 * The SDK turns every POST into a Web `Request` (via @hono/node-server), checks it with zod, opens a
 * `ReadableStream` per request and answers with an SSE stream written in two parts; for a cache hit on a 2-core
 * machine that was most of the server's time. Here such a request goes from the Node request straight to the
 * session's `onmessage` (the SDK `Server`, with whatever wraps it, e.g. telemetry) and its response comes back
 * through `send()` as one JSON body. Spec 2025-06-18 and 2025-03-26, "Sending Messages to the Server": a POST that
 * carries a request is answered with either an SSE stream or one JSON object, the server's choice.
 *
 * Semantics kept: the message reaches the same `Server` the same way, so request validation, errors,
 * cancellation (`notifications/cancelled`), telemetry and audit are those of the SDK path. If the server sends
 * anything tied to the request before its response (a notification, a server-to-client request), or the response
 * takes longer than the SDK's SSE keep-alive interval, the answer becomes the SSE stream the SDK would have
 * written. Everything else goes to the SDK unchanged: initialize, batches, notifications and responses from the
 * client, requests with a progress token or a task, GET and DELETE, anything malformed, a wrong Accept or
 * Content-Type or an unsupported MCP-Protocol-Version (the SDK words those errors), and transports with an event
 * store (resumable streams need event ids).
 */
export class FastPathTransport extends StreamableHTTPServerTransport {
  private readonly exchanges = new Map<RequestId, FastExchange>();
  private readonly keepAliveMs: number;
  private readonly enabled: boolean;
  private inbound: Inbound | undefined;

  constructor(options: StreamableHTTPServerTransportOptions = {}) {
    super(options);
    this.keepAliveMs = options.keepAliveMs ?? DEFAULT_SSE_KEEP_ALIVE_MS;
    this.enabled = options.eventStore === undefined && options.enableJsonResponse !== true;
  }

  // The handler the SDK Server (and whatever wraps it) installs: the fast path calls it directly; messages that
  // come the SDK's way are also watched for cancellations of fast-path requests.
  override set onmessage(handler: Inbound | undefined) {
    this.inbound = handler;
    super.onmessage = handler && ((message, extra) => (this.watch(message), handler(message, extra)));
  }

  override get onmessage(): Inbound | undefined {
    return this.inbound;
  }

  override async handleRequest(req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<void> {
    if (!this.tryFastPath(req, res, parsedBody)) await super.handleRequest(req, res, parsedBody);
  }

  override async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const isResponse = 'result' in message || 'error' in message;
    const id = isResponse ? (message as { id: RequestId }).id : options?.relatedRequestId;
    const exchange = id === undefined ? undefined : this.exchanges.get(id);
    if (!exchange) return super.send(message, options);
    if (isResponse) {
      this.finish(id!, exchange, JSON.stringify(message));
      return;
    }
    // A notification or request tied to the request: the answer becomes an event stream, as on the SDK's path.
    this.stream(exchange);
    exchange.res.write(sseEvent(JSON.stringify(message)));
  }

  override async close(): Promise<void> {
    // As the SDK ends its per-request streams: closed, with no response in them.
    for (const [id, exchange] of this.exchanges) this.finish(id, exchange, undefined);
    await super.close();
  }

  /** True when the request was taken (its response will be written later); false leaves it to the SDK. */
  private tryFastPath(req: IncomingMessage, res: ServerResponse, body: unknown): boolean {
    if (!this.enabled || req.method !== 'POST' || this.sessionId === undefined || !this.inbound) return false;
    const request = plainRequest(body);
    if (!request || this.exchanges.has(request.id)) return false;
    const { headers } = req;
    const accept = headers.accept;
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return false;
    if (!isJsonContentType(headers['content-type'])) return false;
    const version = headers['mcp-protocol-version'];
    if (version !== undefined && (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version))) {
      return false;
    }

    const exchange: FastExchange = { res, streaming: false, timer: undefined };
    // No answer yet after the keep-alive interval: switch to SSE so that proxies see bytes, as the SDK would.
    exchange.timer = setTimeout(() => this.stream(exchange), this.keepAliveMs);
    exchange.timer.unref();
    this.exchanges.set(request.id, exchange);
    // A client that goes away has not cancelled (spec: cancel with notifications/cancelled): the call goes on and
    // its response is dropped when it comes.
    this.inbound(request, { requestInfo: requestInfo(req) });
    return true;
  }

  private watch(message: JSONRPCMessage): void {
    if (this.exchanges.size === 0 || !('method' in message) || message.method !== 'notifications/cancelled') return;
    const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
    const exchange = id === undefined ? undefined : this.exchanges.get(id);
    // The SDK sends no response for a cancelled request; its stream is ended empty instead of left open.
    if (exchange) this.finish(id!, exchange, undefined);
  }

  private stream(exchange: FastExchange): void {
    if (exchange.streaming) return;
    exchange.streaming = true;
    clearTimeout(exchange.timer);
    if (!exchange.res.headersSent) exchange.res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': this.sessionId! });
    exchange.timer = setInterval(() => exchange.res.write(': keepalive\n\n'), this.keepAliveMs);
    exchange.timer.unref();
  }

  /** Writes the response (or, without one, ends the answer as an empty event stream) and forgets the request. */
  private finish(id: RequestId, exchange: FastExchange, response: string | undefined): void {
    this.exchanges.delete(id);
    clearTimeout(exchange.timer);
    const { res } = exchange;
    if (res.writableEnded || res.destroyed) return;
    if (exchange.streaming) {
      res.end(response === undefined ? undefined : sseEvent(response));
    } else if (response === undefined) {
      res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': this.sessionId! }).end();
    } else {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(response),
        'mcp-session-id': this.sessionId!,
      });
      res.end(response);
    }
  }
}

/**
 * `body` as a JSON-RPC request the fast path may take: what the SDK's strict `JSONRPCRequestSchema` accepts, for
 * one of {@link FAST_METHODS}, without a progress token or a task. Anything else (a batch, a notification, a
 * response, a malformed message) is left to the SDK, which validates it and words the error.
 */
function plainRequest(body: unknown): JSONRPCRequest | undefined {
  const message = plainMessage(body);
  if (!message || !('id' in message) || message.id === undefined || !FAST_METHODS.has(message.method)) return undefined;
  const { params } = message;
  if (params !== undefined) {
    if (params.task !== undefined) return undefined;
    const meta = params._meta;
    if (meta !== undefined && (!isObject(meta) || 'progressToken' in meta || RELATED_TASK_META_KEY in meta)) {
      return undefined;
    }
  }
  return message;
}

function sseEvent(data: string): string {
  return `event: message\ndata: ${data}\n\n`;
}

/** What the SDK passes handlers as `extra.requestInfo`; the URL is built only if someone reads it. */
function requestInfo(req: IncomingMessage): MessageExtraInfo['requestInfo'] {
  let url: URL | undefined;
  return {
    headers: req.headers,
    get url() {
      url ??= new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      return url;
    },
  };
}
