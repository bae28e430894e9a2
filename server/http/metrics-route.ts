import type { Middleware } from 'koa';
import type { Gateway } from '../gateway/gateway.js';
import type { Logger } from '../telemetry/logger.js';

/**
 * Where Prometheus scrapes. Guarded like the admin API (app.ts routes it through `adminAccess`): the admin token,
 * or an `admin`-scoped key or JWT, or, without an admin token, any loopback connection (with the MCP token when one
 * is set). Metrics name every server and tool behind the gateway and show who is busy, which is not for anyone
 * who can reach the port; a Prometheus elsewhere gets the admin token (`authorization` in its scrape config).
 */
export const METRICS_PATH = '/metrics';

/** `GET /metrics` (the router mounts it): the Prometheus text exposition; 404 with metrics disabled. */
export function metricsRoute(gateway: Gateway): Middleware {
  return async (ctx) => {
    const exposition = await gateway.telemetry.exposition();
    if (!exposition) {
      ctx.status = 404;
      ctx.body = { error: 'metrics are disabled (telemetry.metrics.enabled: false)' };
      return;
    }
    ctx.set('Content-Type', exposition.contentType);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = exposition.body;
  };
}

/**
 * One debug line per HTTP request once it is answered: method, path, status, duration, and the request headers
 * (the logger redacts credentials in them). Costs nothing unless the level is `debug` or finer.
 */
export function accessLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    if (!logger.isLevelEnabled('debug')) return next();
    const started = performance.now();
    const log = () =>
      logger.debug(
        {
          req: { method: ctx.method, url: ctx.path, headers: ctx.req.headers },
          status: ctx.res.statusCode,
          ms: Math.round((performance.now() - started) * 1000) / 1000,
        },
        'http request',
      );
    // Streamed responses (ctx.respond = false) finish after the middleware returns.
    ctx.res.once('finish', log);
    await next();
  };
}
