import { timingSafeEqual } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { GatewayEventMap } from '../gateway/events.js';
import type { Gateway } from '../gateway/gateway.js';
import { isAuthError } from '../security/auth.js';
import { activityOf, type RequestRecord } from '../telemetry/gateway-activity.js';
import {
  ADMIN_SOCKET_PATH,
  type AdminClientToServer,
  type AdminServerToClient,
  type AdminSocketData,
} from './admin-events.js';
import { overview, upstreamView } from './admin-views.js';
import { serveAgentRuns } from './admin-agent.js';
import { isLoopback, originCheck } from './guards.js';

/** Sockets that passed the handshake; every admin event goes to this room and nowhere else. */
const ADMINS = 'admins';
/** How often watchers get a fresh overview (rates, latencies, cache counters). */
const OVERVIEW_EVERY_MS = 2_000;

type AdminServer = Server<AdminClientToServer, AdminServerToClient, Record<string, never>, AdminSocketData>;
type Listener<K extends keyof GatewayEventMap> = (...args: GatewayEventMap[K]) => void;
type AdminSocket = Socket<AdminClientToServer, AdminServerToClient, Record<string, never>, AdminSocketData>;

export interface AdminSocketOptions {
  /** The address the gateway listens on (for the Host/Origin check). */
  host: string;
}

export interface AdminSocketServer {
  /** Sockets connected now. */
  readonly connections: number;
  /** Disconnects every socket and stops listening to the gateway; the HTTP server is the caller's to close. */
  close(): void;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The admin panel's live channel: Socket.IO on the gateway's HTTP server at `/admin/socket.io`. The handshake is
 * the admin API's guard (adminAccess in auth.ts) over `auth: { token }`: the admin token; or an API key or JWT with
 * the `admin` scope; or, when no admin token is set, a loopback connection (with the MCP token when one is set).
 * A socket that fails it is refused before it joins anything, so it never receives an event. Browsers get the same
 * Host/Origin check as HTTP requests: a WebSocket is not bound by CORS, and a page elsewhere must not read these.
 */
export function attachAdminSocket(gateway: Gateway, http: HttpServer, options: AdminSocketOptions): AdminSocketServer {
  const settings = gateway.config.gateway;
  const checkOrigin = originCheck({
    bindHost: options.host,
    allowedHosts: settings.allowedHosts,
    allowedOrigins: settings.allowedOrigins,
  });
  const io: AdminServer = new Server(http, {
    path: ADMIN_SOCKET_PATH,
    serveClient: false,
    // No CORS headers: only the panel's own origin may use it (checked below as well).
    cors: undefined,
    maxHttpBufferSize: 64 * 1024,
    allowRequest: (req, callback) => {
      const problem = checkOrigin(req.headers.host ?? '', req.headers.origin ?? '');
      callback(problem ?? null, problem === undefined);
    },
  });

  io.use((socket, next) => {
    void admit(gateway, socket).then(
      (principal) => {
        if (typeof principal === 'string') {
          socket.data.principal = principal;
          next();
        } else next(Object.assign(new Error(principal.refused), { data: { status: principal.status } }));
      },
      () => next(new Error('cannot check credentials now')),
    );
  });

  const activity = activityOf(gateway.events);
  const admins = () => io.to(ADMINS);
  io.on('connection', (socket: AdminSocket) => {
    void socket.join(ADMINS);
    socket.on('overview', (ack) => typeof ack === 'function' && ack(overview(gateway, activity)));
    socket.on('requests', (limit, ack) => {
      if (typeof ack !== 'function') return;
      ack(activity.requests({ limit: Math.min(500, Math.max(1, Number(limit) || 100)) }));
    });
    serveAgentRuns(gateway, socket);
    socket.emit('overview', overview(gateway, activity));
  });

  // Gateway events, forwarded to the admins' room only.
  // Every tool call makes a record: with nobody watching, encoding it for an empty room was a few % of a cached
  // call's CPU (issue 11).
  const watched = () => (io.sockets.adapter.rooms.get(ADMINS)?.size ?? 0) > 0;
  const onRequest = (record: RequestRecord) => watched() && admins().emit('request', record);
  const events = gateway.events;
  const listeners = {
    'breaker:transition': ((transition) =>
      admins().emit('breaker:transition', transition)) as Listener<'breaker:transition'>,
    'fallback:served': ((event) => admins().emit('fallback:served', event)) as Listener<'fallback:served'>,
    'upstream:state': ((event) => {
      const upstream = gateway.upstreams.get(event.server);
      admins().emit('upstream:state', {
        ...event,
        ...(upstream ? { upstream: upstreamView(upstream, activity) } : {}),
      });
    }) as Listener<'upstream:state'>,
  };
  activity.on('request', onRequest);
  events.on('breaker:transition', listeners['breaker:transition']);
  events.on('fallback:served', listeners['fallback:served']);
  events.on('upstream:state', listeners['upstream:state']);
  const onCatalog = () =>
    admins().emit('catalog:changed', { tools: gateway.catalog.listTools().length, at: Date.now() });
  gateway.catalog.on('changed', onCatalog);

  const timer = setInterval(() => {
    if (watched()) admins().emit('overview', overview(gateway, activity));
  }, OVERVIEW_EVERY_MS);
  timer.unref();

  return {
    get connections() {
      return io.sockets.sockets.size;
    },
    close: () => {
      clearInterval(timer);
      activity.off('request', onRequest);
      events.off('breaker:transition', listeners['breaker:transition']);
      events.off('fallback:served', listeners['fallback:served']);
      events.off('upstream:state', listeners['upstream:state']);
      gateway.catalog.off('changed', onCatalog);
      io.disconnectSockets(true);
      // Not io.close(): that would also close the HTTP server, whose shutdown listen.ts orders itself.
      io.engine.close();
    },
  };
}

/** The principal a handshake proves, or why it is refused (mirrors adminAccess for HTTP). */
async function admit(gateway: Gateway, socket: AdminSocket): Promise<string | { refused: string; status: number }> {
  const { adminToken, token: mcpToken } = gateway.config.gateway;
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  const token = typeof auth?.token === 'string' && auth.token !== '' ? auth.token : undefined;
  if (adminToken !== undefined && token !== undefined && sameSecret(token, adminToken)) return 'admin-token';
  if (token !== undefined) {
    const host = socket.handshake.headers.host ?? 'localhost';
    let origin = 'http://localhost';
    try {
      origin = new URL(`http://${host}`).origin;
    } catch {
      // a bad Host falls back to loopback, as for HTTP requests
    }
    const authenticator = await gateway.security.authenticator(origin);
    if (authenticator.required) {
      const result = await authenticator.authenticate({ authorization: `Bearer ${token}` });
      if (!isAuthError(result) && (result.kind === 'key' || result.kind === 'jwt')) {
        if (result.scope.admin) return result.id;
        if (adminToken === undefined) return { refused: `${result.id} lacks the "admin" scope`, status: 403 };
      }
    }
  }
  if (adminToken !== undefined) {
    return { refused: token === undefined ? 'missing admin token' : 'invalid admin token', status: 401 };
  }
  const remote = socket.handshake.address.replace(/^::ffff:/, '');
  if (!isLoopback(remote) && remote !== '::1') {
    return { refused: 'the admin panel is served only on loopback unless an admin token is set', status: 403 };
  }
  if (mcpToken !== undefined && (token === undefined || !sameSecret(token, mcpToken))) {
    return { refused: 'missing or invalid bearer token', status: 401 };
  }
  return 'loopback';
}
