import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { isAuthError, type Principal } from '../security/auth.js';
import type { GatewaySecurity } from '../security/gateway-security.js';
import type { Logger } from '../telemetry/logger.js';
import type { InFlight } from '../util/in-flight.js';
import { originFromHost, rateLimitRefusal } from './auth.js';
import { BodyError, readJsonBody } from './body.js';
import { jsonRpcError } from './errors.js';
import type { SseEndpoint } from './sse.js';
import type { StreamableEndpoint } from './streamable.js';

/** The paths of the Streamable HTTP endpoint: `/mcp` and one per discovery mode. */
const LANE_PATHS = new Set(['/mcp', '/mcp/all', '/mcp/discovery', '/mcp/hybrid']);
/** A legacy SSE session's POSTs: `/messages?sessionId=<id>`, as the stream's `endpoint` event names it. */
const SSE_POST = /^\/messages\?sessionId=([0-9a-f-]{1,64})$/;

/** A request the lane may take: whose session it is, how to answer a body it cannot read, who handles it. */
interface LaneTarget {
  principal: string;
  refuseBody(res: ServerResponse, error: BodyError): void;
  handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>;
}

export interface McpLaneDeps {
  streamable: StreamableEndpoint;
  sse: SseEndpoint;
  security: GatewaySecurity;
  logger: Logger;
  /** The Host/Origin check of the Koa app (guards.ts `originCheck`). */
  checkOrigin: (hostHeader: string, originHeader: string) => string | undefined;
  draining: () => boolean;
  inFlight: InFlight;
  maxBodyBytes: number;
}

/**
 * The most common request a gateway gets, a POST in a session open in this process (`/mcp` with its
 * `Mcp-Session-Id`, or a legacy SSE session's `/messages?sessionId=`), without Koa. Koa's context and the
 * middleware chain cost a cached call 15-20 µs of CPU here (issue 11: 80-89 against 66-70 µs of the gateway's user
 * CPU per call, alternating runs). The lane makes the app's own checks with the app's own functions, in its order:
 * draining, Host/Origin, authentication, the session's principal, the rate limit; then it reads the body and hands
 * the request to the session's transport, as `StreamableEndpoint.handle` and `SseEndpoint.post` do.
 *
 * Everything the lane is not sure about goes to `fallback` (the Koa app) untouched and before the body is read,
 * so the app answers every refusal in its own words: other paths and methods, other query strings, no or an
 * unknown session (Redis-shared sessions are revived there), a refused Host or Origin, failed authentication,
 * another principal's session, and the debug access log being on. The only answers of its own are the ones the
 * app would give after it had taken the same path: 429 from the rate limiter (whose token the lane already took)
 * and the body errors of `/mcp` and `/messages`.
 */
export function createMcpLane(
  deps: McpLaneDeps,
  fallback: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { security, logger } = deps;
  return (req, res) => {
    if (req.method !== 'POST' || deps.draining()) return fallback(req, res);
    const target = targetOf(deps, req);
    if (!target || logger.isLevelEnabled('debug')) return fallback(req, res);
    const host = req.headers.host ?? '';
    if (deps.checkOrigin(host, req.headers.origin ?? '') !== undefined) return fallback(req, res);
    deps.inFlight.begin();
    res.once('close', () => deps.inFlight.end());
    authenticate(security, host, req)
      .then(async (principal) => {
        if (!principal || principal.id !== target.principal) return fallback(req, res);
        if (!(await admitted(security, principal, res))) return;
        let body: unknown;
        try {
          body = await readJsonBody(req, deps.maxBodyBytes);
        } catch (error) {
          // A client that went away mid-body has no one to answer.
          if (error instanceof BodyError) target.refuseBody(res, error);
          return;
        }
        await target.handle(req, res, body);
      })
      .catch((error: unknown) => {
        logger.error({ err: error, path: req.url }, 'request failed');
        if (!res.headersSent && res.writable) writeJson(res, 500, { error: 'internal error' });
      });
  };
}

/** The open session a POST belongs to (Streamable HTTP by header, legacy SSE by query), if it is in this process. */
function targetOf(deps: McpLaneDeps, req: IncomingMessage): LaneTarget | undefined {
  const url = req.url ?? '';
  if (LANE_PATHS.has(url)) {
    const id = req.headers['mcp-session-id'];
    const session = typeof id === 'string' ? deps.streamable.localSession(id) : undefined;
    if (!session) return undefined;
    return {
      principal: session.principal,
      refuseBody: (res, error) =>
        writeJson(
          res,
          error.status,
          jsonRpcError(error.status === 413 ? ErrorCode.InvalidRequest : ErrorCode.ParseError, error.message),
        ),
      handle: (request, res, body) => deps.streamable.continueSession(id as string, session, request, res, body),
    };
  }
  const sse = SSE_POST.exec(url);
  const session = sse ? deps.sse.localSession(sse[1]!) : undefined;
  if (!session) return undefined;
  return {
    principal: session.principal,
    // As `SseEndpoint.post` answers a body it cannot read.
    refuseBody: (res, error) => writeJson(res, error.status, jsonRpcError(ErrorCode.ParseError, error.message)),
    handle: (request, res, body) => deps.sse.continuePost(session, request, res, body),
  };
}

/** The request's principal as `authenticate` (auth.ts) finds it, or undefined where the app should answer. */
async function authenticate(
  security: GatewaySecurity,
  host: string,
  req: IncomingMessage,
): Promise<Principal | undefined> {
  try {
    const result = await (await security.authenticator(originFromHost('http', host))).authenticate(req.headers);
    return isAuthError(result) ? undefined : result;
  } catch {
    return undefined;
  }
}

/** The rate limit of `rateLimit` (auth.ts): headers on the way, or the 429 written here. */
async function admitted(security: GatewaySecurity, principal: Principal, res: ServerResponse): Promise<boolean> {
  const limiter = security.rateLimiter;
  if (!limiter || (principal.kind !== 'key' && principal.kind !== 'jwt')) return true;
  const decision = await limiter.take(principal.id);
  res.setHeader('RateLimit-Limit', String(decision.limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, decision.remaining)));
  if (decision.allowed) return true;
  const refusal = rateLimitRefusal(principal.id, decision.retryAfterMs);
  res.setHeader('Retry-After', refusal.retryAfter);
  writeJson(res, 429, refusal.body);
  return false;
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
