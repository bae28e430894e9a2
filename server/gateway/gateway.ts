import { Catalog } from '../catalog/catalog.js';
import type { GatewayConfig, UpstreamConfig } from '../config/schema.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { UpstreamSupervisor } from '../upstream/supervisor.js';
import type { UpstreamStatus } from '../upstream/upstream.js';
import type { PluginStatus } from '../plugins/types.js';
import type { DiscoveryMode } from '../config/schema.js';
import { createToolIndex } from '../discovery/setup.js';
import { DiscoveryService } from '../discovery/service.js';
import { createPredictive } from '../discovery/predictive/setup.js';
import { connectRedis, closeRedis, type RedisConnection } from '../redis/connection.js';
import { SharedBreakerState } from '../resilience/shared-state.js';
import { ToolResultCache } from '../cache/tool-result-cache.js';
import { breakerPluginName, createBreaker } from '../resilience/setup.js';
import { snapshotServers } from '../resilience/view.js';
import type { BreakerPolicy } from '@localmcp/plugin-api';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FailedToolCall } from '../resilience/fallbacks.js';
import { GatewaySecurity } from '../security/gateway-security.js';
import { ToolScreen, type FlaggedTool } from '../security/tool-screen.js';
import { GatewayTelemetry } from '../telemetry/telemetry.js';
import { LlmService } from '../llm/service.js';
import { GatewayEvents } from './events.js';
import { createFallbackChain } from './fallback-sources.js';
import { createSessionServer, type SessionPrincipal } from './mcp-session.js';
import { Router } from './router.js';

export interface GatewayOptions {
  config: GatewayConfig;
  upstreams: UpstreamConfig[];
  logger?: Logger;
  /** Plugins already loaded by the caller (the CLI finds them through oclif). */
  plugins?: PluginRegistry;
  /** Where the gateway may keep state between runs (embeddings); none means memory only. */
  dataDir?: string;
}

export interface Readiness {
  ready: boolean;
  upstreams: UpstreamStatus[];
  plugins: PluginStatus[];
  /** Circuit states by server (and tool, when a server is deconstructed); empty with `resilience.policy: none`. */
  breakers: Record<string, unknown>;
  /** Tools flagged as possible prompt injection, and what the policy did with them. */
  poisoning: { policy: string; flagged: FlaggedTool[] };
}

/**
 * The gateway core, free of any transport: upstream supervision, the merged catalog, request routing and the
 * factory of downstream sessions. HTTP, SSE and stdio adapters sit on top of it.
 */
export class Gateway {
  readonly logger: Logger;
  readonly catalog: Catalog;
  readonly upstreams: UpstreamSupervisor;
  readonly router: Router;
  readonly plugins: PluginRegistry | undefined;
  readonly discovery: DiscoveryService;
  readonly breaker: BreakerPolicy | undefined;
  readonly events = new GatewayEvents();
  /** The shared Redis connection (commands only), when `redis` is configured. */
  readonly redis: RedisConnection | undefined;
  /** The tool result cache (L1, L2 with `redis`, L3 with an embedder); undefined when `cache.enabled` is false. */
  readonly cache: ToolResultCache | undefined;
  /** Authentication, rate limits and the RFC 9728 document (`security`). */
  readonly security: GatewaySecurity;
  /** The tool-poisoning screen (`security.poisoning.policy`), applied before tools enter the catalog. */
  readonly toolScreen: ToolScreen;
  /** Metrics, tracing and the audit log (`telemetry`). */
  readonly telemetry: GatewayTelemetry;
  /** Model providers, the router with failover, the agent and MCP sampling (`llm`); inert without models. */
  readonly llm: LlmService;
  private readonly identities = new Map<string, string>();
  private readonly sharedBreaker: { state: SharedBreakerState; subscriber: RedisConnection } | undefined;
  private started: Promise<void> | undefined;

  constructor(readonly options: GatewayOptions) {
    this.logger = options.logger ?? createLogger();
    this.catalog = new Catalog(options.config.gateway.separator);
    this.upstreams = new UpstreamSupervisor(options.upstreams, this.logger);
    this.breaker = createBreaker(options.config.resilience, this.upstreams, options.plugins);
    this.router = new Router(this.catalog, this.upstreams, this.breaker);
    this.llm = new LlmService({
      config: options.config,
      plugins: options.plugins,
      logger: this.logger.child({ component: 'llm' }),
    });
    this.llm.attachSampling(this.upstreams);
    this.plugins = options.plugins;
    const index = createToolIndex({
      config: options.config.discovery,
      catalog: this.catalog,
      upstreams: this.upstreams,
      plugins: this.plugins,
      dataDir: options.dataDir,
      logger: this.logger,
    });
    this.discovery = new DiscoveryService({
      config: options.config.discovery,
      catalog: this.catalog,
      router: this.router,
      upstreams: this.upstreams,
      index,
      health: (server, tool) => this.breaker?.state?.({ server, tool }) ?? 'CLOSED',
    });
    const redisConfig = options.config.redis;
    this.redis = redisConfig ? connectRedis(redisConfig, this.logger, 'gateway') : undefined;
    if (this.redis && redisConfig && this.breaker && options.config.resilience.shared.enabled) {
      const subscriber = connectRedis(redisConfig, this.logger, 'breaker-sub');
      const state = new SharedBreakerState(this.breaker, this.redis, subscriber, {
        policyName: breakerPluginName(options.config.resilience) ?? 'none',
        keyPrefix: redisConfig.keyPrefix,
        ttlMs: options.config.resilience.shared.ttlMs,
        logger: this.logger,
      });
      this.sharedBreaker = { state, subscriber };
    }
    this.security = new GatewaySecurity({
      config: options.config.security,
      token: options.config.gateway.token,
      dataDir: options.dataDir,
      redis: this.redis && redisConfig ? { connection: this.redis, keyPrefix: redisConfig.keyPrefix } : undefined,
      serverNames: () => this.upstreams.statuses().map((s) => s.name),
      logger: this.logger.child({ component: 'security' }),
    });
    this.cache = options.config.cache.enabled
      ? new ToolResultCache({
          config: options.config.cache,
          redis: redisConfig,
          redisConnection: this.redis,
          embedder: this.cacheEmbedder(),
          logger: this.logger.child({ component: 'cache' }),
        })
      : undefined;
    this.router.cache = this.cache;
    this.router.maxResultBytes = options.config.security.limits.maxResultBytes;
    this.router.cacheIdentity = (server) => this.identities.get(server) ?? server;
    this.router.fallbacks = createFallbackChain(this, options.config.resilience.fallbacks);
    this.router.events = this.events;
    this.discovery.predictive = createPredictive({
      config: options.config.discovery.predictive,
      catalog: this.catalog,
      router: this.router,
      validator: this.discovery.validator,
      cache: this.cache,
      dataDir: options.dataDir,
      redis:
        this.redis && options.config.redis
          ? { connection: this.redis, keyPrefix: options.config.redis.keyPrefix }
          : undefined,
      events: this.events,
      logger: this.logger.child({ component: 'predictive' }),
    });
    this.breaker?.onTransition?.((transition) => this.events.emit('breaker:transition', transition));
    this.upstreams.on('state', (upstream, state) => {
      this.events.emit('upstream:state', { server: upstream.name, state, at: Date.now() });
      if (state === 'ready') this.upstreamReady(upstream.name, upstream.status().serverInfo);
    });
    this.toolScreen = new ToolScreen(
      options.config.security.poisoning.policy,
      this.logger.child({ component: 'poisoning' }),
    );
    this.upstreams.on('lists', (upstream, kinds) => {
      const lists = this.toolScreen.apply(upstream.name, upstream.current());
      this.catalog.update(upstream.name, upstream.config.namespace, lists, kinds);
      // A tools/list_changed refresh: the tools (and so their answers) may have changed.
      if (kinds.length === 1 && kinds[0] === 'tools') void this.cache?.invalidateServer(upstream.name);
    });
    this.telemetry = new GatewayTelemetry({
      config: options.config.telemetry,
      logger: this.logger,
      sources: {
        events: this.events,
        upstreams: this.upstreams,
        catalog: this.catalog,
        breaker: this.breaker,
        cache: this.cache,
        plugins: this.plugins?.metrics,
      },
    });
    this.router.telemetry = this.telemetry.route;
  }

  get config(): GatewayConfig {
    return this.options.config;
  }

  /** Starts every upstream; resolves once each has had its first try (failures included: they retry). */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.sharedBreaker?.state.start(this.config.redis?.connectTimeoutMs ?? 0);
      await this.telemetry.start();
      await this.discovery.predictive?.load();
      await this.upstreams.startAll();
    })();
    return this.started;
  }

  /** A new downstream MCP session bound to this gateway; `mode` defaults to the configured one. */
  openSession(mode: DiscoveryMode = this.config.discovery.mode, principal?: SessionPrincipal) {
    const session = createSessionServer(
      { catalog: this.catalog, router: this.router, discovery: this.discovery, events: this.events },
      mode,
      principal,
    );
    this.telemetry.instrumentSession(session.server, { principal: principal?.id ?? 'anonymous' }, this.catalog);
    return session;
  }

  /**
   * The last good result of a call, for the stale-if-error fallback; none until a cache holds results.
   * (The multi-layer cache of issue 5 provides it.)
   */
  async lastGood(call: FailedToolCall): Promise<{ result: CallToolResult; ageMs: number } | undefined> {
    const identity = this.identities.get(call.server) ?? call.server;
    return this.cache?.lastGood({ server: call.server, tool: call.tool, args: call.args, identity });
  }

  /**
   * Cache keys carry the upstream's identity (name, serverInfo name and version), kept while it is down so its
   * last good results stay reachable. A restart (any ready after the first) may have changed what it answers, so
   * its fresh entries are dropped; the first ready of a process must not wipe what other workers share in L2.
   */
  private upstreamReady(server: string, info: { name: string; version: string } | undefined): void {
    const restarted = this.identities.has(server);
    // A restarted process that answered the MCP handshake is as good as a passed probe.
    if (restarted) this.breaker?.recovered?.({ server });
    this.identities.set(server, `${server}@${info?.name ?? '?'}/${info?.version ?? '?'}`);
    if (restarted) void this.cache?.invalidateServer(server);
  }

  /** The embedder of the semantic cache layer: `cache.l3.embedder`, else discovery's, when loaded. */
  private cacheEmbedder() {
    const { cache, discovery } = this.options.config;
    const ref = cache.l3.embedder ?? discovery.embedder;
    if (!cache.l3.enabled || !ref) return undefined;
    return this.options.plugins?.get('embedder', ref.replace(/^embedder:/, ''));
  }

  readiness(): Readiness {
    return {
      ready: this.upstreams.allAttempted(),
      upstreams: this.upstreams.statuses(),
      plugins: this.plugins?.statuses() ?? [],
      breakers: snapshotServers(this.breaker),
      poisoning: { policy: this.toolScreen.policy, flagged: this.toolScreen.flagged },
    };
  }

  /** Waits for in-flight calls up to `graceMs`, then ends every upstream (and its process tree) and plugin. */
  async stop(graceMs = this.config.gateway.shutdownGraceMs): Promise<void> {
    await this.router.drain(graceMs);
    await this.discovery.predictive?.close();
    await this.cache?.close();
    this.breaker?.dispose?.();
    await this.upstreams.stopAll();
    this.sharedBreaker?.state.stop();
    await Promise.all([
      this.sharedBreaker && closeRedis(this.sharedBreaker.subscriber),
      this.redis && closeRedis(this.redis),
    ]);
    await this.llm.close();
    await this.plugins?.close();
    await this.telemetry.stop();
  }
}
