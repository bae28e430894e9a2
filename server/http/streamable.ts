import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import { sharedSessionsFor } from '../cluster/shared-sessions.js';
import type { DiscoveryMode } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import type { SessionPrincipal } from '../gateway/mcp-session.js';
import { FULL_ACCESS } from '../security/scopes.js';
import { principalOf } from './auth.js';
import { BodyError, readJsonBody } from './body.js';
import { FastPathTransport } from './fast-path.js';
import { jsonRpcError } from './errors.js';

/** One stateful session open in this process. */
export interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  dispose: () => void;
  lastSeen: number;
  /** The principal that opened the session; no other may use it. */
  principal: string;
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
  /** Sessions shared through Redis with other workers and instances (`redis` configured, stateful only). */
  private readonly shared;

  constructor(
    private readonly gateway: Gateway,
    private readonly options: StreamableOptions,
  ) {
    this.sweeper = setInterval(() => this.expireIdle(), Math.max(1000, Math.min(60_000, options.sessionIdleMs / 4)));
    this.sweeper.unref();
    this.shared = sharedSessionsFor(gateway, options, (id) => void this.sessions.get(id)?.transport.close());
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The session `id` if it is open in this process (a shared one opened elsewhere is not, until revived). */
  localSession(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Hands a request of an open session, its principal checked and its body read, to the session's transport. */
  async continueSession(
    id: string,
    session: Session,
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
  ): Promise<void> {
    session.lastSeen = Date.now();
    this.shared?.touch(id);
    await session.transport.handleRequest(req, res, body);
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
      let session = this.sessions.get(sessionId);
      if (!session && this.shared) {
        // Opened by another worker or gateway instance: continue it here.
        const revived = await this.shared.revive(sessionId, sessionPrincipal(ctx));
        if (revived === 'forbidden') return refuseOtherPrincipal(ctx);
        if (revived) session = this.adopt(sessionId, revived);
      }
      if (!session) {
        // Spec: a request with an unknown or expired session id gets 404, and the client starts a new session.
        ctx.status = 404;
        ctx.body = jsonRpcError(
          ErrorCode.InvalidRequest,
          'session not found or expired; start a new session with initialize',
        );
        return;
      }
      if (session.principal !== (principalOf(ctx)?.id ?? 'anonymous')) {
        // A session id is not a credential: one seen in a log or proxy must not hand over another key's session.
        ctx.status = 403;
        ctx.body = jsonRpcError(ErrorCode.InvalidRequest, 'this session belongs to another principal');
        return;
      }
      ctx.respond = false;
      await this.continueSession(sessionId, session, ctx.req, ctx.res, body);
      if (ctx.method === 'DELETE') await this.shared?.end(sessionId);
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
    const principal = sessionPrincipal(ctx);
    const { server, dispose } = this.gateway.openSession(mode, principal);
    // The SDK transport plus the JSON fast path for plain requests (fast-path.ts).
    const transport: StreamableHTTPServerTransport = new FastPathTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, dispose, lastSeen: Date.now(), principal: principal.id });
      },
    });
    this.shared?.track(transport, server, {
      mode: mode ?? this.gateway.config.discovery.mode,
      principal: principal.id,
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
      if (transport.sessionId) this.shared?.release(transport.sessionId);
      dispose();
    };
    await server.connect(transport);
    ctx.respond = false;
    await transport.handleRequest(ctx.req, ctx.res, body);
  }

  /** Registers a session re-created from its shared record, closed like one opened here. */
  private adopt(id: string, revived: Omit<Session, 'lastSeen'>): Session {
    const session: Session = { ...revived, lastSeen: Date.now() };
    this.sessions.set(id, session);
    revived.transport.onclose = () => {
      this.sessions.delete(id);
      this.shared?.release(id);
      revived.dispose();
    };
    return session;
  }

  private async handleStateless(ctx: Context, body: unknown, mode: DiscoveryMode | undefined): Promise<void> {
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.body = jsonRpcError(ErrorCode.InvalidRequest, 'this gateway runs stateless: only POST is served on /mcp');
      return;
    }
    const { server, dispose } = this.gateway.openSession(mode, sessionPrincipal(ctx));
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

/** 403: a session id is not a credential, and this one was opened by another principal. */
function refuseOtherPrincipal(ctx: Context): void {
  ctx.status = 403;
  ctx.body = jsonRpcError(ErrorCode.InvalidRequest, 'this session belongs to another principal');
}

/** The authenticated principal of a request as a session sees it (anonymous with full access without auth). */
export function sessionPrincipal(ctx: Context): SessionPrincipal {
  const principal = principalOf(ctx);
  return principal ? { id: principal.id, scope: principal.scope } : { id: 'anonymous', scope: FULL_ACCESS };
}
