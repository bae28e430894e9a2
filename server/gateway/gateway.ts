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
import { createBreaker } from '../resilience/setup.js';
import type { ElasticBreaker } from '../resilience/elastic-breaker.js';
import { createSessionServer } from './mcp-session.js';
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
  readonly breaker: ElasticBreaker | undefined;
  private started: Promise<void> | undefined;

  constructor(readonly options: GatewayOptions) {
    this.logger = options.logger ?? createLogger();
    this.catalog = new Catalog(options.config.gateway.separator);
    this.upstreams = new UpstreamSupervisor(options.upstreams, this.logger);
    this.breaker = createBreaker(options.config.resilience, this.upstreams);
    this.router = new Router(this.catalog, this.upstreams, this.breaker);
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
    });
    this.upstreams.on('lists', (upstream, kinds) =>
      this.catalog.update(upstream.name, upstream.config.namespace, upstream.current(), kinds),
    );
  }

  get config(): GatewayConfig {
    return this.options.config;
  }

  /** Starts every upstream; resolves once each has had its first try (failures included: they retry). */
  start(): Promise<void> {
    this.started ??= this.upstreams.startAll();
    return this.started;
  }

  /** A new downstream MCP session bound to this gateway; `mode` defaults to the configured one. */
  openSession(mode: DiscoveryMode = this.config.discovery.mode) {
    return createSessionServer({ catalog: this.catalog, router: this.router, discovery: this.discovery }, mode);
  }

  readiness(): Readiness {
    return {
      ready: this.upstreams.allAttempted(),
      upstreams: this.upstreams.statuses(),
      plugins: this.plugins?.statuses() ?? [],
      breakers: this.breaker?.toJSON().servers ?? {},
    };
  }

  /** Waits for in-flight calls up to `graceMs`, then ends every upstream (and its process tree) and plugin. */
  async stop(graceMs = this.config.gateway.shutdownGraceMs): Promise<void> {
    await this.router.drain(graceMs);
    this.breaker?.dispose();
    await this.upstreams.stopAll();
    await this.plugins?.close();
  }
}
