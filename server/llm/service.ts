import type { BreakerPolicy, BreakerState, HookOptions } from '@localmcp/plugin-api';
import type { GatewayConfig } from '../config/schema.js';
import type { DiscoveryService } from '../discovery/service.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Logger } from '../telemetry/logger.js';
import type { UpstreamSupervisor } from '../upstream/supervisor.js';
import { runAgent, type AgentOptions, type AgentRun } from './agent/agent.js';
import { createProviderBreaker } from './breaker.js';
import { ProviderRegistry, type ProviderFactory, type ProviderStatus } from './provider-registry.js';
import { LlmRouter, type LlmRequest, type RoutedChunk, type RoutedResponse } from './router.js';
import { createSamplingHandler, samplingAllowed } from './sampling.js';
import type { TargetStats } from './stats.js';

export interface LlmServiceOptions {
  config: GatewayConfig;
  /** Where `provider` and `breaker` plugins come from. */
  plugins?: PluginRegistry;
  logger: Logger;
  /** Replaces the plugin registry as the maker of providers (embedding, tests). */
  providerFactory?: ProviderFactory;
}

/** What `GET /api/v1/llm` and the admin UI show: providers, their state and spend, and the aliases. */
export interface LlmView {
  configured: boolean;
  providers: Array<
    ProviderStatus & {
      /** Input plus output tokens used through this provider. */
      tokens: number;
      costUsd: number;
      calls: number;
      failures: number;
      /** The provider's circuit (one per provider; CLOSED when no breaker policy is configured). */
      circuit: BreakerState;
    }
  >;
  models: Record<string, Array<{ provider: string; model: string }>>;
  default?: string;
  targets: TargetStats[];
}

/**
 * The LLM gateway: providers made from `provider` plugins, the router with failover and a circuit breaker per
 * provider, the agent, and MCP sampling for the upstreams allowed to ask. Nothing is created until first used, so a
 * gateway without an `llm` section (or without keys) starts and serves as before.
 */
export class LlmService {
  readonly providers: ProviderRegistry;
  readonly router: LlmRouter;
  readonly #config: GatewayConfig;
  readonly #plugins: PluginRegistry | undefined;
  readonly #logger: Logger;
  #breaker: Promise<BreakerPolicy | undefined> | undefined;
  #breakerReady: BreakerPolicy | undefined;

  constructor(options: LlmServiceOptions) {
    this.#config = options.config;
    this.#plugins = options.plugins;
    this.#logger = options.logger;
    this.providers = new ProviderRegistry(options.config.llm, {
      plugins: options.plugins,
      factory: options.providerFactory,
      logger: options.logger,
    });
    this.router = new LlmRouter({
      config: options.config.llm,
      providers: this.providers,
      breaker: () => this.#policy(),
      logger: options.logger,
    });
  }

  /** True when the config names at least one model alias. */
  get configured(): boolean {
    return Object.keys(this.#config.llm.models).length > 0;
  }

  chat(request: LlmRequest, options?: HookOptions): Promise<RoutedResponse> {
    return this.router.chat(request, options);
  }

  stream(request: LlmRequest, options?: HookOptions): AsyncIterable<RoutedChunk> {
    return this.router.stream(request, options);
  }

  /** Runs the agent on a task with the gateway's discovery tools. */
  runAgent(discovery: DiscoveryService, options: AgentOptions): Promise<AgentRun> {
    return runAgent({ router: this.router, discovery, config: this.#config.llm.agent }, options);
  }

  /**
   * Gives each upstream that `llm.sampling.servers` allows a sampling handler; the others keep advertising no
   * sampling capability. Called before the upstreams start (the capability is declared when connecting).
   */
  attachSampling(upstreams: UpstreamSupervisor): void {
    for (const upstream of upstreams.all()) {
      if (!samplingAllowed(this.#config.llm, upstream.name)) continue;
      upstream.sampling = createSamplingHandler(upstream.name, {
        router: this.router,
        config: this.#config.llm,
        logger: this.#logger.child({ server: upstream.name }),
      });
    }
  }

  view(): LlmView {
    const stats = this.router.stats.all();
    const llm = this.#config.llm;
    return {
      configured: this.configured,
      providers: this.providers.statuses().map((status) => {
        const mine = stats.filter((s) => s.provider === status.name);
        const sum = (pick: (s: TargetStats) => number) => mine.reduce((total, s) => total + pick(s), 0);
        return {
          ...status,
          tokens: sum((s) => s.inputTokens + s.outputTokens),
          costUsd: sum((s) => s.costUsd),
          calls: sum((s) => s.calls),
          failures: sum((s) => s.failures),
          circuit: this.#breakerReady?.state?.({ server: status.name }) ?? 'CLOSED',
        };
      }),
      models: Object.fromEntries(
        Object.entries(llm.models).map(([alias, targets]) => [
          alias,
          targets.map(({ provider, model }) => ({ provider, model })),
        ]),
      ),
      ...(this.router.defaultAlias === undefined ? {} : { default: this.router.defaultAlias }),
      targets: stats,
    };
  }

  async close(): Promise<void> {
    await this.providers.close();
    const breaker = await this.#breaker?.catch(() => undefined);
    breaker?.dispose?.();
  }

  #policy(): Promise<BreakerPolicy | undefined> {
    this.#breaker ??= createProviderBreaker(this.#config.llm, this.#config.resilience, this.#plugins).then((policy) => {
      this.#breakerReady = policy;
      policy?.onTransition?.((t) =>
        this.#logger.info(
          { provider: t.server, model: t.tool, from: t.from, to: t.to, reason: t.reason },
          'provider circuit changed',
        ),
      );
      return policy;
    });
    return this.#breaker;
  }
}
