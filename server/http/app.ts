import Router from '@koa/router';
import Koa from 'koa';
import { DISCOVERY_MODES } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import { InFlight } from '../util/in-flight.js';
import { errorMiddleware } from './errors.js';
import { originGuard, tokenGuard } from './guards.js';
import { SseEndpoint } from './sse.js';
import { StreamableEndpoint } from './streamable.js';

export interface HttpAppOptions {
  host: string;
  maxBodyBytes?: number;
}

export interface HttpApp {
  app: Koa;
  streamable: StreamableEndpoint;
  sse: SseEndpoint;
  /** Refuses new requests (503) while in-flight ones finish: the first step of a graceful shutdown. */
  startDraining(): void;
  /**
   * Resolves when no POST is in flight (or after `timeoutMs`). Counted at the HTTP level, not per upstream call,
   * because a call is only done for the client once its response has been written.
   */
  drain(timeoutMs: number): Promise<void>;
  /** Ends every downstream session. */
  closeSessions(): Promise<void>;
}

/**
 * The Koa adapter: guards first (errors, Origin/Host, token), then `/mcp`, `/sse`, `/messages`, `/healthz` and
 * `/readyz`. All MCP semantics live in the gateway core; this only moves bytes.
 */
export function createHttpApp(gateway: Gateway, options: HttpAppOptions): HttpApp {
  const settings = gateway.config.gateway;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const streamable = new StreamableEndpoint(gateway, {
    stateless: settings.stateless,
    sessionIdleMs: settings.sessionIdleMs,
    maxBodyBytes,
  });
  const sse = new SseEndpoint(gateway, '/messages', maxBodyBytes);
  const app = new Koa();
  app.proxy = false;
  // Koa logs unhandled errors to stderr with a stack by default; the error middleware already handled them.
  app.silent = true;

  const router = new Router();
  router.all('/mcp', (ctx) => streamable.handle(ctx));
  router.get('/sse', (ctx) => sse.open(ctx));
  // One endpoint per discovery mode, whatever the gateway's default: /mcp/all, /mcp/discovery, /mcp/hybrid.
  for (const mode of DISCOVERY_MODES) {
    router.all(`/mcp/${mode}`, (ctx) => streamable.handle(ctx, mode));
    router.get(`/sse/${mode}`, (ctx) => sse.open(ctx, mode));
  }
  router.post('/messages', (ctx) => sse.post(ctx));
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const readiness = gateway.readiness();
    ctx.status = readiness.ready ? 200 : 503;
    ctx.body = {
      status: readiness.ready ? 'ready' : 'starting',
      sessions: { streamableHttp: streamable.sessionCount, sse: sse.sessionCount },
      ...readiness,
    };
  });

  let draining = false;
  const inFlight = new InFlight();
  app.use(async (ctx, next) => {
    // Only POSTs carry requests; GET streams stay open by design and would never drain.
    if (ctx.method !== 'POST') return next();
    inFlight.begin();
    ctx.res.once('close', () => inFlight.end());
    await next();
  });
  app.use(errorMiddleware(gateway.logger));
  app.use(async (ctx, next) => {
    if (draining && ctx.path !== '/healthz' && ctx.path !== '/readyz') {
      ctx.status = 503;
      ctx.set('Connection', 'close');
      ctx.body = { error: 'the gateway is shutting down' };
      return;
    }
    await next();
  });
  app.use(
    originGuard({
      bindHost: options.host,
      allowedHosts: settings.allowedHosts,
      allowedOrigins: settings.allowedOrigins,
    }),
  );
  app.use(tokenGuard(settings.token));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = {
      error: `no route for ${ctx.method} ${ctx.path}; MCP is served at /mcp (Streamable HTTP) and /sse (SSE)`,
    };
  });

  return {
    app,
    streamable,
    sse,
    startDraining: () => {
      draining = true;
    },
    drain: (timeoutMs) => inFlight.idle(timeoutMs),
    closeSessions: async () => {
      await Promise.all([streamable.closeAll(), sse.closeAll()]);
    },
  };
}
