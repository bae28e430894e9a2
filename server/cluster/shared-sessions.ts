import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { ClientCapabilities, Implementation, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { DiscoveryMode } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import type { SessionPrincipal } from '../gateway/mcp-session.js';
import type { RedisConnection } from '../redis/connection.js';
import type { Logger } from '../telemetry/logger.js';
import { FastPathTransport } from '../http/fast-path.js';

/**
 * What a Streamable HTTP session is, once initialized, for any process to continue it: the SDK keeps the rest of a
 * session (streams, request mappings) per connection, and nothing of it outlives a request on another process.
 */
export interface SessionRecord {
  id: string;
  mode: DiscoveryMode;
  protocolVersion?: string;
  clientInfo?: Implementation;
  clientCapabilities?: ClientCapabilities;
  /** The principal that opened it; no other may continue it. */
  principal: string;
  createdAt: number;
  /** Set by DELETE: the id is dead everywhere until the record expires (a tombstone, so no process revives it). */
  ended?: boolean;
}

/** A session server and transport re-created from a record, ready for the request that asked for it. */
export interface RevivedSession {
  transport: StreamableHTTPServerTransport;
  server: Server;
  dispose: () => void;
  principal: string;
}

// GET the record: missing (0), ended (-1), or refresh its TTL (1). One round trip, one key (cluster-safe).
const TOUCH = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if string.find(v, '"ended":true', 1, true) then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/** A session's TTL is refreshed at most this often per process, whatever the request rate. */
const TOUCH_EVERY_MS = 1_000;

/**
 * Streamable HTTP sessions shared through Redis, so that a session opened on one worker (or gateway instance)
 * continues on another behind any load balancer. The record is written before the client sees the initialize
 * answer (so its next request finds it wherever it lands), kept alive while the session is used anywhere (TTL =
 * `gateway.sessionIdleMs`), and a process that gets an id it does not know re-creates the session from it instead
 * of answering 404. DELETE leaves a tombstone that makes every process drop its copy on its next touch. Without
 * Redis, or with Redis down, sessions stay in the process that opened them, as before.
 */
export class SharedSessions {
  /** Records of the sessions this process serves, to re-save one Redis lost (restart, flush, an outage at open). */
  private readonly local = new Map<string, { record: SessionRecord; touchedAt: number }>();
  private readonly reviving = new Map<string, Promise<RevivedSession | 'forbidden' | undefined>>();

  constructor(
    private readonly gateway: Gateway,
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
    /** Called when another process ended a session this process still holds. */
    private readonly onEnded: (id: string) => void,
  ) {}

  private key(id: string): string {
    return `${this.keyPrefix}session:${id}`;
  }

  /**
   * Saves the session's record when the server answers `initialize` (before the answer leaves, so the client's
   * next request finds it wherever it lands). Call before `server.connect(transport)`.
   */
  track(transport: StreamableHTTPServerTransport, server: Server, info: { mode: DiscoveryMode; principal: string }) {
    const send = transport.send.bind(transport);
    transport.send = async (message: JSONRPCMessage, options) => {
      const result = 'result' in message ? (message.result as { protocolVersion?: unknown; serverInfo?: unknown }) : {};
      if (transport.sessionId && typeof result.protocolVersion === 'string' && result.serverInfo) {
        const record: SessionRecord = {
          id: transport.sessionId,
          mode: info.mode,
          protocolVersion: result.protocolVersion,
          clientInfo: server.getClientVersion(),
          clientCapabilities: server.getClientCapabilities(),
          principal: info.principal,
          createdAt: Date.now(),
        };
        this.local.set(record.id, { record, touchedAt: Date.now() });
        await this.save(record);
      }
      return send(message, options);
    };
  }

  /**
   * The session `id` re-created from its record: `undefined` when there is none (or it ended), `'forbidden'` when
   * it belongs to another principal (nothing is created for the wrong one).
   */
  revive(id: string, principal: SessionPrincipal): Promise<RevivedSession | 'forbidden' | undefined> {
    // Two requests of one session arriving together must not make two servers for it (one would leak).
    const key = `${id}\n${principal.id}`;
    let pending = this.reviving.get(key);
    if (!pending) {
      pending = this.reviveOnce(id, principal).finally(() => this.reviving.delete(key));
      this.reviving.set(key, pending);
    }
    return pending;
  }

  private async reviveOnce(id: string, principal: SessionPrincipal): Promise<RevivedSession | 'forbidden' | undefined> {
    const record = await this.load(id);
    if (!record || record.ended) return undefined;
    if (record.principal !== principal.id) return 'forbidden';
    const { server, dispose } = this.gateway.openSession(record.mode, principal);
    restoreInitializeState(server, record);
    // The same transport as a session opened here, fast path included (fast-path.ts).
    const transport = new FastPathTransport({ sessionIdGenerator: () => id });
    markInitialized(transport, id);
    await server.connect(transport);
    this.local.set(id, { record, touchedAt: Date.now() });
    this.logger.debug({ session: id, principal: record.principal }, 'session continued from Redis');
    return { transport, server, dispose, principal: record.principal };
  }

  /** The session was used here: refresh its TTL (at most once a second), re-save it if Redis lost it. */
  touch(id: string): void {
    const entry = this.local.get(id);
    if (!entry || Date.now() - entry.touchedAt < TOUCH_EVERY_MS) return;
    entry.touchedAt = Date.now();
    this.redis.eval(TOUCH, 1, this.key(id), String(this.ttlMs)).then(
      (state) => {
        if (state === 0) void this.save(entry.record);
        else if (state === -1) {
          this.local.delete(id);
          this.onEnded(id);
        }
      },
      (error: unknown) => this.logger.debug({ err: (error as Error).message }, 'session touch skipped'),
    );
  }

  /** The session was ended (DELETE): leave a tombstone so no process continues it. */
  async end(id: string): Promise<void> {
    const entry = this.local.get(id);
    this.local.delete(id);
    const tombstone: SessionRecord = {
      ...(entry?.record ?? { id, mode: 'all', principal: '', createdAt: 0 }),
      ended: true,
    };
    await this.save(tombstone);
  }

  /** This process no longer holds the session (closed, expired here); the record stays for the others. */
  release(id: string): void {
    this.local.delete(id);
  }

  private async save(record: SessionRecord): Promise<void> {
    try {
      await this.redis.set(this.key(record.id), JSON.stringify(record), 'PX', this.ttlMs);
    } catch (error) {
      // Redis down: the session works here and is not shared until a touch re-saves it.
      this.logger.debug({ session: record.id, err: (error as Error).message }, 'session record not saved');
    }
  }

  private async load(id: string): Promise<SessionRecord | undefined> {
    try {
      const text = await this.redis.get(this.key(id));
      return text ? (JSON.parse(text) as SessionRecord) : undefined;
    } catch (error) {
      this.logger.debug({ session: id, err: (error as Error).message }, 'session lookup skipped');
      return undefined;
    }
  }
}

/**
 * The SDK's Server learns the client's capabilities and info in `initialize`, which ran in another process; they
 * decide what it may send the client (sampling, elicitation, roots, list-change notifications). SDK 1.x keeps them
 * in private fields and offers no setter (typescript-sdk issue #1658), hence the checked assignment.
 */
function restoreInitializeState(server: Server, record: SessionRecord): void {
  const fields = server as unknown as Record<string, unknown>;
  const capabilities = record.clientCapabilities ?? {};
  fields._clientCapabilities = capabilities;
  fields._clientVersion = record.clientInfo;
  if (server.getClientCapabilities() !== capabilities) {
    throw new Error('the MCP SDK Server changed: cannot restore a session initialized elsewhere');
  }
}

/**
 * A transport that answers for `id` as if it had seen `initialize` (typescript-sdk issue #1658 asks for an
 * official way; until then the web-standard transport's `sessionId` and `_initialized` are set directly, with a
 * check so that an SDK change fails loudly in the tests instead of silently answering 400).
 */
function markInitialized(transport: StreamableHTTPServerTransport, id: string): void {
  const inner = (transport as unknown as { _webStandardTransport?: Record<string, unknown> })._webStandardTransport;
  if (!inner || inner._initialized !== false) {
    throw new Error('the MCP SDK Streamable HTTP transport changed: cannot restore a session initialized elsewhere');
  }
  inner.sessionId = id;
  inner._initialized = true;
}

/** The shared sessions of a stateful `/mcp` endpoint when `redis` is configured; undefined otherwise. */
export function sharedSessionsFor(
  gateway: Gateway,
  options: { stateless: boolean; sessionIdleMs: number },
  onEnded: (id: string) => void,
): SharedSessions | undefined {
  const redisConfig = gateway.config.redis;
  if (options.stateless || !gateway.redis || !redisConfig) return undefined;
  return new SharedSessions(
    gateway,
    gateway.redis,
    redisConfig.keyPrefix,
    options.sessionIdleMs,
    gateway.logger.child({ component: 'sessions' }),
    onEnded,
  );
}
