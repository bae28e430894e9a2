import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

function hostnameOf(hostHeader: string): string {
  // `[::1]:7420` keeps its brackets; `localhost:7420` loses the port.
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? '';
}

function parseHostname(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

export interface OriginPolicy {
  bindHost: string;
  allowedHosts: string[];
  allowedOrigins: string[];
}

/**
 * DNS-rebinding protection (MCP spec, transports: "Servers MUST validate the Origin header"): a browser page on
 * evil.example whose name resolves to 127.0.0.1 sends `Origin: http://evil.example` and `Host: evil.example`.
 * On a loopback bind only loopback Host names and Origins pass, plus the configured extras; requests without
 * Origin come from non-browser clients and pass.
 */
export function originGuard(policy: OriginPolicy): Middleware {
  const check = originCheck(policy);
  return async (ctx, next) => {
    const problem = check(ctx.get('host'), ctx.get('origin'));
    if (problem) ctx.throw(403, problem);
    await next();
  };
}

/**
 * The check of {@link originGuard} on bare header values, for what does not pass through Koa (the admin panel's
 * Socket.IO handshake, where a cross-site WebSocket would otherwise read admin events): why the request is refused,
 * or undefined.
 */
export function originCheck(policy: OriginPolicy): (hostHeader: string, originHeader: string) => string | undefined {
  const loopbackBind = isLoopback(policy.bindHost);
  const extraHosts = new Set(policy.allowedHosts.map((h) => h.toLowerCase()));
  const extraOrigins = new Set(policy.allowedOrigins.map((o) => o.toLowerCase().replace(/\/$/, '')));
  return (hostHeader, originHeader) => {
    const host = (hostHeader || '').toLowerCase();
    if (loopbackBind && !isLoopback(hostnameOf(host)) && !extraHosts.has(host) && !extraHosts.has(hostnameOf(host))) {
      return `Host "${host}" is not allowed`;
    }
    const origin = (originHeader || '').toLowerCase();
    if (origin && !extraOrigins.has(origin)) {
      // An unparseable Origin yields '' which no rule below accepts.
      const originHost = parseHostname(origin) ?? '';
      const sameHost = !loopbackBind && originHost !== '' && originHost === hostnameOf(host);
      if (!isLoopback(originHost.startsWith('::') ? `[${originHost}]` : originHost) && !sameHost) {
        return `Origin "${origin}" is not allowed`;
      }
    }
    return undefined;
  };
}

/** Requires `Authorization: Bearer <token>` on every request when a token is configured. */
export function tokenGuard(token: string | undefined): Middleware {
  if (!token) return async (_ctx, next) => next();
  const expected = Buffer.from(token);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.throw(401, header ? 'invalid bearer token' : 'missing bearer token (Authorization: Bearer <token>)');
    }
    await next();
  };
}
