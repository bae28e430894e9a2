import type { Middleware } from 'koa';
import type { Logger } from '../telemetry/logger.js';

/**
 * First in the chain: every error becomes a JSON body with a status; only errors the client caused (`expose`,
 * 4xx) show their message, the rest say "internal error" and are logged. Never a stack trace to a client.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const err = error as {
        status?: number;
        statusCode?: number;
        expose?: boolean;
        message?: string;
        headers?: Record<string, string>;
      };
      const status = err.status ?? err.statusCode ?? 500;
      if (status >= 500) logger.error({ err: error, path: ctx.path }, 'request failed');
      if (ctx.headerSent || !ctx.writable) return;
      ctx.status = status;
      if (err.headers) ctx.set(err.headers);
      ctx.body = {
        error: err.expose && err.message ? err.message : status >= 500 ? 'internal error' : 'request refused',
      };
    }
  };
}

/** A JSON-RPC error response body for requests the transport never saw (parse errors, unknown sessions). */
export function jsonRpcError(code: number, message: string): Record<string, unknown> {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}
