import type { CacheConfig } from '../config/cache-schema.js';
import type { RedisConfig } from '../config/redis-schema.js';
import { connectRedis, closeRedis, type RedisConnection } from '../redis/connection.js';
import type { Logger } from '../telemetry/logger.js';
import type { InvalidationMessage } from './invalidation-channel.js';
import { InvalidationChannel } from './invalidation-channel.js';
import { MemoryLayer } from './memory-layer.js';
import { RedisLayer } from './redis-layer.js';
import { SemanticIndex, type TextEmbedder } from './semantic-index.js';

/** The layers of one cache, built from the config; L2 and L3 are absent when off. */
export interface CacheLayers {
  l1: MemoryLayer;
  l2?: RedisLayer;
  l3?: SemanticIndex;
  channel?: InvalidationChannel;
  close(): Promise<void>;
}

export interface CacheLayersOptions {
  config: CacheConfig;
  /** The top-level `redis` section; without it there is no L2. */
  redis?: RedisConfig;
  /** An open connection to `redis` to use for L2 (the gateway's own); it is not closed by `close()`. */
  connection?: RedisConnection;
  /** Without one there is no L3, whatever `l3.enabled` says. */
  embedder?: TextEmbedder;
  logger: Logger;
  now: () => number;
  /** Called with invalidations published by other gateway processes. */
  onInvalidation: (message: InvalidationMessage) => void;
}

/** Whether L2 is on: `l2.enabled` when set, else whether Redis is configured (and never with the cache off). */
export function l2Enabled(config: CacheConfig, redis: RedisConfig | undefined): boolean {
  return config.enabled && redis !== undefined && config.l2.enabled !== false;
}

export function createCacheLayers(options: CacheLayersOptions): CacheLayers {
  const { config, redis, logger } = options;
  const l1 = new MemoryLayer({
    maxBytes: config.l1.maxBytes,
    maxEntryBytes: config.l1.maxEntryBytes,
    now: options.now,
  });
  if (config.l2.enabled === true && redis === undefined) {
    logger.warn('cache.l2.enabled is true but there is no "redis" section; the cache stays in memory');
  }
  if (config.l3.enabled && options.embedder === undefined) {
    logger.warn('cache.l3.enabled is true but no embedder is available; similar-call lookup is off');
  }
  const l3 =
    config.enabled && config.l3.enabled && options.embedder
      ? new SemanticIndex({
          embedder: options.embedder,
          threshold: config.l3.threshold,
          maxEntries: config.l3.maxEntries,
        })
      : undefined;
  if (!redis || !l2Enabled(config, redis)) return { l1, l3, close: async () => undefined };

  const log = logger.child({ component: 'cache' });
  const owned = options.connection === undefined;
  const l2 = new RedisLayer({
    connection: options.connection ?? connectRedis(redis, log, 'cache'),
    keyPrefix: redis.keyPrefix,
    maxEntryBytes: config.l2.maxEntryBytes,
    cooldownMs: config.l2.cooldownMs,
    logger: log,
  });
  const channel = new InvalidationChannel(
    l2,
    connectRedis(redis, log, 'cache-sub'),
    redis.keyPrefix,
    options.onInvalidation,
    log,
  );
  return {
    l1,
    l2,
    l3,
    channel,
    close: async () => {
      await Promise.all([owned ? closeRedis(l2.connection) : undefined, channel.close()]);
    },
  };
}
