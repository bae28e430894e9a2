import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import type { DiscoveryMode } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import { BodyError, readJsonBody } from './body.js';
import { jsonRpcError } from './errors.js';

/**
 * `/sse` + `/messages`: the legacy HTTP+SSE transport (protocol 2024-11-05) for clients that have not moved to
 * Streamable HTTP. GET /sse opens a stream whose first event names `/messages?sessionId=...` for the POSTs.
 */
export class SseEndpoint {
  private readonly sessions = new Map<string, { transport: SSEServerTransport; server: Server }>();

  constructor(
    private readonly gateway: Gateway,
    private readonly messagesPath: string,
    private readonly maxBodyBytes: number,
  ) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  async open(ctx: Context, mode?: DiscoveryMode): Promise<void> {
    const { server, dispose } = this.gateway.openSession(mode);
    const transport = new SSEServerTransport(this.messagesPath, ctx.res);
    this.sessions.set(transport.sessionId, { transport, server });
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
    await session.transport.handlePostMessage(ctx.req, ctx.res, body);
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.transport.close().catch(() => undefined)));
  }
}
