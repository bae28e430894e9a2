import type { Catalog } from '../../catalog/catalog.js';
import type { ToolResultCache } from '../../cache/tool-result-cache.js';
import type { PredictiveConfig } from '../../config/predictive-schema.js';
import type { GatewayEvents } from '../../gateway/events.js';
import type { Router } from '../../gateway/router.js';
import type { Logger } from '../../telemetry/logger.js';
import type { ArgumentValidator } from '../argument-validator.js';
import { PredictiveService } from './predictive-service.js';
import type { RedisConnection } from '../../redis/connection.js';
import { fileTransitionsStore, redisTransitionsStore, type TransitionsStore } from './store.js';
import type { Prefetcher } from './warmer.js';

export interface PredictiveSetup {
  config: PredictiveConfig;
  catalog: Catalog;
  router: Router;
  validator: ArgumentValidator;
  cache: ToolResultCache | undefined;
  dataDir: string | undefined;
  /** With `redis` configured, the transitions are kept there and shared by every worker and gateway instance. */
  redis?: { connection: RedisConnection; keyPrefix: string };
  events: GatewayEvents;
  logger: Logger;
}

/** The gateway's predictive pre-loading, or undefined when `discovery.predictive.enabled` is false. */
export function createPredictive(setup: PredictiveSetup): PredictiveService | undefined {
  const { config, catalog, router, cache } = setup;
  if (!config.enabled) return undefined;
  // Prefetching is only a cache warm: without a result cache an early answer would be thrown away.
  const prefetch: Prefetcher | undefined = cache && {
    decide: (name) => {
      const entry = catalog.resolveTool(name);
      if (!entry) return { ok: false, ttlMs: 0 };
      const decision = cache.decide(entry.server, entry.originalName, entry.item.annotations);
      return { ok: decision.cacheable, ttlMs: decision.ttlMs };
    },
    call: (name) => router.callTool(name, {}, { principal: 'predictive', fallback: false }),
  };
  return new PredictiveService({
    config,
    catalog,
    validator: setup.validator,
    prefetch,
    store: storeFor(setup),
    events: setup.events,
    logger: setup.logger,
  });
}

function storeFor(setup: PredictiveSetup): TransitionsStore | undefined {
  if (!setup.config.persist) return undefined;
  if (setup.redis) return redisTransitionsStore(setup.redis.connection, setup.redis.keyPrefix);
  return setup.dataDir ? fileTransitionsStore(setup.dataDir) : undefined;
}
