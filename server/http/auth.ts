import type { Context, Middleware } from 'koa';
import { authErrorResponse, isAuthError, type AuthError, type Principal } from '../security/auth.js';
import type { GatewaySecurity } from '../security/gateway-security.js';
import { RESOURCE_METADATA_PATH } from '../security/resource-metadata.js';
import type { Logger } from '../telemetry/logger.js';
import { adminGuard } from './admin-api.js';

/** Koa state set by {@link authenticate}: who is calling. */
export interface AuthState {
  principal?: Principal;
}

/** The MCP transports: what authentication scopes and rate limits apply to. */
export function isMcpPath(path: string): boolean {
  return (
    path === '/mcp' || path.startsWith('/mcp/') || path === '/sse' || path.startsWith('/sse/') || path === '/messages'
  );
}

export function principalOf(ctx: Context): Principal | undefined {
  return (ctx.state as AuthState).principal;
}

/**
 * `http://<Host>` as the client reached the gateway: the default resource identifier. A Host that makes no valid
 * URL (a fuzzer's, or an attacker's) falls back to loopback rather than failing the request.
 */
export function originOf(ctx: Context): string {
  return originFromHost(ctx.protocol, ctx.host);
}

/** {@link originOf} from the protocol and the Host header, for what does not pass through Koa (mcp-lane.ts). */
export function originFromHost(protocol: string, host: string): string {
  const origin = `${protocol}://${host}`;
  // Every authenticated request asks, nearly always with the same Host: parse each one once (issue 11).
  let parsed = origins.get(origin);
  if (parsed === undefined) {
    try {
      parsed = new URL(origin).origin;
    } catch {
      parsed = 'http://localhost';
    }
    if (origins.size >= MAX_ORIGINS) origins.clear();
    origins.set(origin, parsed);
  }
  return parsed;
}

const origins = new Map<string, string>();
/** Bounds the memo: Host is the client's to choose. */
const MAX_ORIGINS = 64;

function refuse(ctx: Context, error: AuthError): void {
  const response = authErrorResponse(error);
  ctx.status = response.status;
  ctx.set(response.headers);
  ctx.body = response.body;
}

/**
 * RFC 9728 section 3: `/.well-known/oauth-protected-resource` (and the per-resource form with the resource's
 * path appended). Served before authentication: it is how a client without a token learns where to get one.
 */
export function resourceMetadataRoute(security: GatewaySecurity): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== RESOURCE_METADATA_PATH && !ctx.path.startsWith(`${RESOURCE_METADATA_PATH}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = { error: `method ${ctx.method} is not allowed on ${RESOURCE_METADATA_PATH}` };
      return;
    }
    const metadata = security.metadata(originOf(ctx));
    if (!metadata) {
      ctx.status = 404;
      ctx.body = { error: 'no authorization server is configured (security.auth.resourceMetadata)' };
      return;
    }
    ctx.set('Cache-Control', 'max-age=300');
    ctx.body = metadata;
  };
}

/**
 * Authentication of everything but the admin API (which has its own guard) and the metadata document: the static
 * token, API keys and JWTs as `Authorization: Bearer`. Refusals carry the RFC 6750 challenge; without any method
 * configured every request is `anonymous` with full access, as before authentication existed.
 */
export function authenticate(security: GatewaySecurity, logger: Logger): Middleware {
  return async (ctx, next) => {
    let result: Principal | AuthError;
    try {
      result = await (await security.authenticator(originOf(ctx))).authenticate(ctx.req.headers);
    } catch (error) {
      // The key file could not be read: nothing the client can fix, and never a reason to let it in.
      logger.error({ err: (error as Error).message }, 'authentication failed');
      result = { reason: 'unavailable', status: 503, message: 'cannot check credentials now' };
    }
    if (isAuthError(result)) return refuse(ctx, result);
    (ctx.state as AuthState).principal = result;
    await next();
  };
}

/**
 * A token bucket per API key and JWT subject on MCP POSTs (each carries one JSON-RPC message or batch); the static
 * token is the operator's and is not limited. Refusals are 429 with `Retry-After` in whole seconds.
 */
export function rateLimit(security: GatewaySecurity): Middleware {
  const limiter = security.rateLimiter;
  return async (ctx, next) => {
    const principal = principalOf(ctx);
    if (!limiter || ctx.method !== 'POST' || !isMcpPath(ctx.path)) return next();
    if (!principal || (principal.kind !== 'key' && principal.kind !== 'jwt')) return next();
    const decision = await limiter.take(principal.id);
    ctx.set('RateLimit-Limit', String(decision.limit));
    ctx.set('RateLimit-Remaining', String(Math.max(0, decision.remaining)));
    if (!decision.allowed) {
      const refusal = rateLimitRefusal(principal.id, decision.retryAfterMs);
      ctx.status = 429;
      ctx.set('Retry-After', refusal.retryAfter);
      ctx.body = refusal.body;
      return;
    }
    await next();
  };
}

/** The 429 of a refused request: `Retry-After` in whole seconds (at least 1) and the JSON body. */
export function rateLimitRefusal(principalId: string, retryAfterMs: number): { retryAfter: string; body: object } {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    retryAfter: String(seconds),
    body: { error: `rate limit exceeded for ${principalId}; retry in ${seconds} s` },
  };
}

/**
 * The admin API's guard ({@link adminGuard}: the admin token, or loopback plus the MCP token), which also lets in
 * an API key or JWT whose scope has `admin`. A key or JWT without it gets 403 `insufficient_scope` when no admin
 * token is set (with one, the admin token's own refusal applies).
 */
export function adminAccess(
  security: GatewaySecurity,
  adminToken: string | undefined,
  mcpToken: string | undefined,
): Middleware {
  const guard = adminGuard(adminToken, mcpToken);
  return async (ctx, next) => {
    if (!ctx.get('authorization')) return guard(ctx, next);
    let result: Principal | AuthError | undefined;
    let authenticator;
    try {
      authenticator = await security.authenticator(originOf(ctx));
      result = authenticator.required ? await authenticator.authenticate(ctx.req.headers) : undefined;
    } catch {
      result = undefined;
    }
    if (result && !isAuthError(result) && (result.kind === 'key' || result.kind === 'jwt')) {
      if (result.scope.admin) {
        (ctx.state as AuthState).principal = result;
        return next();
      }
      if (adminToken === undefined && authenticator) {
        return refuse(ctx, authenticator.insufficientScope('admin', `${result.id} lacks the "admin" scope`));
      }
    }
    return guard(ctx, next);
  };
}
