import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import type { DiscoveryMode } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import { BodyError, readJsonBody } from './body.js';
import { principalOf } from './auth.js';
import { jsonRpcError } from './errors.js';
import { sessionPrincipal } from './streamable.js';

/** One legacy SSE session open in this process. */
export interface SseSession {
  transport: SSEServerTransport;
  server: Server;
  /** The principal that opened the session; no other may post to it. */
  principal: string;
}

/**
 * `/sse` + `/messages`: the legacy HTTP+SSE transport (protocol 2024-11-05) for clients that have not moved to
 * Streamable HTTP. GET /sse opens a stream whose first event names `/messages?sessionId=...` for the POSTs.
 */
export class SseEndpoint {
  private readonly sessions = new Map<string, SseSession>();

  constructor(
    private readonly gateway: Gateway,
    private readonly messagesPath: string,
    private readonly maxBodyBytes: number,
  ) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  async open(ctx: Context, mode?: DiscoveryMode): Promise<void> {
    if (ctx.method !== 'GET') {
      // The router serves HEAD with the GET handler; a HEAD would open a stream whose response never ends.
      ctx.status = 405;
      ctx.set('Allow', 'GET');
      ctx.body = jsonRpcError(ErrorCode.InvalidRequest, `method ${ctx.method} is not allowed on ${ctx.path}`);
      return;
    }
    const principal = sessionPrincipal(ctx);
    const { server, dispose } = this.gateway.openSession(mode, principal);
    const transport = new SSEServerTransport(this.messagesPath, ctx.res);
    this.sessions.set(transport.sessionId, { transport, server, principal: principal.id });
    transport.onclose = () => {
      this.sessions.delete(transport.sessionId);
      dispose();
    };
    ctx.req.on('close', () => void transport.close());
    ctx.respond = false;
    await server.connect(transport);
  }

  async post(ctx: Context): Promise<void> {
    const id = typeof ctx.query.sessionId === 'string' ? ctx.query.sessionId : '';
    const session = this.sessions.get(id);
    if (!session) {
      ctx.status = 404;
      ctx.body = jsonRpcError(ErrorCode.InvalidRequest, 'unknown sessionId: open a stream with GET /sse first');
      return;
    }
    if (session.principal !== (principalOf(ctx)?.id ?? 'anonymous')) {
      ctx.status = 403;
      ctx.body = jsonRpcError(ErrorCode.InvalidRequest, 'this session belongs to another principal');
      return;
    }
    let body: unknown;
    try {
      body = await readJsonBody(ctx.req, this.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      ctx.status = error.status;
      ctx.body = jsonRpcError(ErrorCode.ParseError, error.message);
      return;
    }
    ctx.respond = false;
    await this.continuePost(session, ctx.req, ctx.res, body);
  }

  /** The session `id` if its stream is open in this process. */
  localSession(id: string): SseSession | undefined {
    return this.sessions.get(id);
  }

  /** Hands a POST of an open session, its principal checked and its body read, to the session's transport. */
  async continuePost(session: SseSession, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    await session.transport.handlePostMessage(req, res, body);
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.transport.close().catch(() => undefined)));
  }
}
