import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { CacheStats } from '../cache/stats.js';
import type { Gateway } from '../gateway/gateway.js';
import { breakerViews } from '../resilience/view.js';
import { BodyError, readJsonBody } from './body.js';
import { isLoopback } from './guards.js';

/** Where the admin API lives. Everything under it passes {@link adminGuard}, not the MCP token guard. */
export const ADMIN_PREFIX = '/api/v1';

function bearerMatches(header: string, token: string): boolean {
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The admin API holds the keys to every upstream, so: with an admin token, `Authorization: Bearer <admin token>`
 * is required; without one, only connections from this machine are served (and the MCP token too, when set).
 */
export function adminGuard(adminToken: string | undefined, mcpToken: string | undefined): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (adminToken !== undefined) {
      if (!bearerMatches(header, adminToken)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="localmcp-admin"');
        ctx.throw(401, header ? 'invalid admin token' : 'missing admin token (Authorization: Bearer <admin token>)');
      }
      return next();
    }
    const remote = (ctx.req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (!isLoopback(remote) && remote !== '::1') {
      ctx.throw(403, 'the admin API is served only on loopback unless an admin token is set (--admin-token)');
    }
    if (mcpToken !== undefined && !bearerMatches(header, mcpToken)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.throw(401, 'missing or invalid bearer token');
    }
    return next();
  };
}

/**
 * `/api/v1`: breakers (list, reset), the tool result cache (stats, clear) and status, for `localmcp breakers`,
 * `localmcp cache`, `localmcp status` and the admin UI.
 */
export function createAdminRouter(
  gateway: Gateway,
  maxBodyBytes: number,
  sessions?: () => { streamableHttp: number; sse: number },
): Router {
  const router = new Router({ prefix: ADMIN_PREFIX });
  const servers = () => gateway.upstreams.statuses().map((s) => s.name);
  const policy = () => (gateway.breaker ? gateway.config.resilience.policy : 'none');

  router.get('/breakers', (ctx) => {
    ctx.body = { policy: policy(), breakers: breakerViews(gateway.breaker, servers()) };
  });

  router.post('/breakers/reset', async (ctx) => {
    let body: unknown;
    try {
      body = await readJsonBody(ctx.req, maxBodyBytes);
    } catch (error) {
      ctx.throw(error instanceof BodyError ? error.status : 400, (error as Error).message);
    }
    const target = parseTarget(body);
    if (typeof target === 'string') return ctx.throw(400, target);
    const breaker = gateway.breaker;
    if (!breaker?.reset) return ctx.throw(409, `the breaker policy "${policy()}" cannot be reset`);
    if (target.server !== undefined && !servers().includes(target.server)) {
      return ctx.throw(404, `no upstream server "${target.server}"`);
    }
    breaker.reset(target.server === undefined ? undefined : { server: target.server, tool: target.tool });
    ctx.body = {
      reset: { server: target.server ?? '*', ...(target.tool === undefined ? {} : { tool: target.tool }) },
      policy: policy(),
      breakers: breakerViews(breaker, servers()),
    };
  });

  router.get('/cache', (ctx) => {
    ctx.body = cacheView(gateway);
  });

  router.post('/cache/clear', async (ctx) => {
    // The body is optional: no body (or `{}`) clears every server's entries.
    let body: unknown = {};
    if (hasBody(ctx.req.headers)) {
      try {
        body = await readJsonBody(ctx.req, maxBodyBytes);
      } catch (error) {
        ctx.throw(error instanceof BodyError ? error.status : 400, (error as Error).message);
      }
    }
    const target = parseTarget(body);
    if (typeof target === 'string') return ctx.throw(400, target);
    if (target.tool !== undefined) return ctx.throw(400, 'the cache is cleared per server: "tool" is not supported');
    const cache = gateway.cache;
    if (!cache) return ctx.throw(409, 'the tool result cache is disabled (cache.enabled: false)');
    if (target.server !== undefined && !servers().includes(target.server)) {
      return ctx.throw(404, `no upstream server "${target.server}"`);
    }
    const removed = await cache.clear(target.server);
    ctx.body = { cleared: { server: target.server ?? '*' }, removed, ...cacheView(gateway) };
  });

  router.get('/status', (ctx) => {
    const readiness = gateway.readiness();
    ctx.body = {
      ready: readiness.ready,
      upstreams: readiness.upstreams,
      plugins: readiness.plugins,
      policy: policy(),
      breakers: breakerViews(gateway.breaker, servers()),
      cache: cacheView(gateway),
      ...(sessions ? { sessions: sessions() } : {}),
    };
  });
  return router;
}

/** What `GET /api/v1/cache` answers: whether the cache is on, and its per-layer counters when it is. */
export interface CacheView {
  enabled: boolean;
  stats?: CacheStats;
}

function cacheView(gateway: Gateway): CacheView {
  return gateway.cache ? { enabled: true, stats: gateway.cache.stats() } : { enabled: false };
}

/** Whether a request carries a body at all (RFC 9112 section 6.3: neither header means none). */
function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** `{ server?, tool? }` from a reset request body, or what is wrong with it. */
function parseTarget(body: unknown): { server?: string; tool?: string } | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const { server, tool } = body as { server?: unknown; tool?: unknown };
  if (server !== undefined && typeof server !== 'string') return '"server" must be a string';
  if (tool !== undefined && (typeof tool !== 'string' || server === undefined)) {
    return '"tool" must be a string, and needs "server"';
  }
  return { server, tool } as { server?: string; tool?: string };
}
