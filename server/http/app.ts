import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { DISCOVERY_MODES } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import { InFlight } from '../util/in-flight.js';
import { ADMIN_PREFIX, createAdminRouter } from './admin-api.js';
import { adminPanel } from './admin-static.js';
import { createAdminUiRouter } from './admin-ui-api.js';
import { createExecuteRouter } from './execute-api.js';
import { adminAccess, authenticate, rateLimit, resourceMetadataRoute } from './auth.js';
import { errorMiddleware } from './errors.js';
import { accessLog, METRICS_PATH, metricsRoute } from './metrics-route.js';
import { originCheck, originGuard } from './guards.js';
import { createMcpLane } from './mcp-lane.js';
import { SseEndpoint } from './sse.js';
import { StreamableEndpoint } from './streamable.js';

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface HttpAppOptions {
  host: string;
  maxBodyBytes?: number;
}

export interface HttpApp {
  app: Koa;
  /** The HTTP server's request listener: the MCP lane (mcp-lane.ts) in front of the Koa app. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
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
  const maxBodyBytes = options.maxBodyBytes ?? gateway.config.security.limits.maxBodyBytes;
  const streamable = new StreamableEndpoint(gateway, {
    stateless: settings.stateless,
    sessionIdleMs: settings.sessionIdleMs,
    maxBodyBytes,
  });
  const sse = new SseEndpoint(gateway, '/messages', maxBodyBytes);
  gateway.telemetry.countSessions(() => ({ 'streamable-http': streamable.sessionCount, sse: sse.sessionCount }));
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
  router.get(METRICS_PATH, metricsRoute(gateway));
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
  app.use(accessLog(gateway.logger));
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
  const originPolicy = {
    bindHost: options.host,
    allowedHosts: settings.allowedHosts,
    allowedOrigins: settings.allowedOrigins,
  };
  app.use(originGuard(originPolicy));
  // RFC 9728 metadata is public; the admin API has its own guard (admin token, loopback, or an `admin` key);
  // everything else needs a principal (anonymous when no auth method is configured), rate-limited per key.
  const security = gateway.security;
  app.use(resourceMetadataRoute(security));
  // The admin panel's page and assets (issue 8): public with an admin token (its API asks for it), else loopback.
  app.use(adminPanel({ adminToken: settings.adminToken }));
  const admin = createAdminRouter(gateway, maxBodyBytes, () => ({
    streamableHttp: streamable.sessionCount,
    sse: sse.sessionCount,
  }));
  const adminOnly = adminAccess(security, settings.adminToken, settings.token);
  const authenticated = authenticate(security, gateway.logger);
  app.use((ctx, next) => {
    // Liveness says only `{"status":"ok"}`: public, so an orchestrator's probe needs no secret (readiness, which
    // names every upstream, keeps the credential).
    if (ctx.path === '/healthz' && (ctx.method === 'GET' || ctx.method === 'HEAD')) return next();
    return ctx.path === ADMIN_PREFIX || ctx.path.startsWith(`${ADMIN_PREFIX}/`) || ctx.path === METRICS_PATH
      ? adminOnly(ctx, next)
      : authenticated(ctx, next);
  });
  app.use(rateLimit(security));
  // koa-router answers methods it does not know (TRACE, PROPFIND, ...) with 501, a server error; what the client
  // sent is the fault, so it is a 405 here.
  app.use(async (ctx, next) => {
    if (HTTP_METHODS.has(ctx.method)) return next();
    ctx.status = 405;
    ctx.set('Allow', [...HTTP_METHODS].join(', '));
    ctx.body = { error: `method ${ctx.method} is not allowed` };
  });
  // MCP first: its paths and the admin API's are disjoint, and an MCP call then skips matching every admin route
  // (issue 11: the routers were the largest Koa cost of a cached call).
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(admin.routes());
  app.use(admin.allowedMethods());
  app.use(createExecuteRouter(gateway, maxBodyBytes).routes()); // POST /api/v1/execute (issue 6), admin-guarded
  const adminUi = createAdminUiRouter(gateway, maxBodyBytes);
  app.use(adminUi.routes());
  app.use(adminUi.allowedMethods());
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = {
      error: `no route for ${ctx.method} ${ctx.path}; MCP is served at /mcp (Streamable HTTP) and /sse (SSE)`,
    };
  });

  const handler = createMcpLane(
    {
      streamable,
      sse,
      security,
      logger: gateway.logger,
      checkOrigin: originCheck(originPolicy),
      draining: () => draining,
      inFlight,
      maxBodyBytes,
    },
    app.callback(),
  );

  return {
    app,
    handler,
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
