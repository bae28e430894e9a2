import { randomUUID } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import type { DiscoveryMode } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import { BodyError, readJsonBody } from './body.js';
import { jsonRpcError } from './errors.js';

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  dispose: () => void;
  lastSeen: number;
}

export interface StreamableOptions {
  stateless: boolean;
  sessionIdleMs: number;
  maxBodyBytes: number;
}

/**
 * `/mcp`: the Streamable HTTP transport. Stateful by default: an `initialize` POST opens a session (one SDK
 * Server + transport), later requests carry `Mcp-Session-Id`, DELETE ends it and idle sessions expire. In
 * stateless mode every POST gets a fresh server and transport.
 */
export class StreamableEndpoint {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly gateway: Gateway,
    private readonly options: StreamableOptions,
  ) {
    this.sweeper = setInterval(() => this.expireIdle(), Math.max(1000, Math.min(60_000, options.sessionIdleMs / 4)));
    this.sweeper.unref();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** `mode` comes from the path (`/mcp/discovery`); it applies to sessions this request opens. */
  async handle(ctx: Context, mode?: DiscoveryMode): Promise<void> {
    let body: unknown;
    if (ctx.method === 'POST') {
      try {
        body = await readJsonBody(ctx.req, this.options.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        ctx.status = error.status;
        ctx.body = jsonRpcError(error.status === 413 ? ErrorCode.InvalidRequest : ErrorCode.ParseError, error.message);
        return;
      }
    } else if (ctx.method !== 'GET' && ctx.method !== 'DELETE') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, POST, DELETE');
      ctx.body = jsonRpcError(ErrorCode.InvalidRequest, `method ${ctx.method} is not allowed on /mcp`);
      return;
    }
    if (this.options.stateless) return this.handleStateless(ctx, body, mode);

    const sessionId = ctx.get('mcp-session-id');
    if (sessionId) {
      const session = this.sessions.get(sessionId);
      if (!session) {
        // Spec: a request with an unknown or expired session id gets 404, and the client starts a new session.
        ctx.status = 404;
        ctx.body = jsonRpcError(
          ErrorCode.InvalidRequest,
          'session not found or expired; start a new session with initialize',
        );
        return;
      }
      session.lastSeen = Date.now();
      ctx.respond = false;
      await session.transport.handleRequest(ctx.req, ctx.res, body);
      return;
    }
    if (ctx.method !== 'POST' || !isInitializeRequest(body)) {
      ctx.status = 400;
      ctx.body = jsonRpcError(
        ErrorCode.InvalidRequest,
        ctx.method === 'POST'
          ? 'no Mcp-Session-Id header: the first request of a session must be initialize'
          : 'Mcp-Session-Id header required',
      );
      return;
    }
    await this.openSession(ctx, body, mode);
  }

  private async openSession(ctx: Context, body: unknown, mode: DiscoveryMode | undefined): Promise<void> {
    const { server, dispose } = this.gateway.openSession(mode);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, dispose, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
      dispose();
    };
    await server.connect(transport);
    ctx.respond = false;
    await transport.handleRequest(ctx.req, ctx.res, body);
  }

  private async handleStateless(ctx: Context, body: unknown, mode: DiscoveryMode | undefined): Promise<void> {
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.body = jsonRpcError(ErrorCode.InvalidRequest, 'this gateway runs stateless: only POST is served on /mcp');
      return;
    }
    const { server, dispose } = this.gateway.openSession(mode);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    ctx.res.on('close', () => {
      dispose();
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    ctx.respond = false;
    await transport.handleRequest(ctx.req, ctx.res, body);
  }

  private expireIdle(): void {
    const cutoff = Date.now() - this.options.sessionIdleMs;
    for (const [id, session] of this.sessions) {
      if (session.lastSeen < cutoff) {
        this.sessions.delete(id);
        void session.transport.close();
      }
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.transport.close().catch(() => undefined)));
  }
}
