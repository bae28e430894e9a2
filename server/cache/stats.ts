import type { CacheLayers } from './layers.js';
import type { MemoryLayerStats } from './memory-layer.js';
import type { RedisLayerStats } from './redis-layer.js';
import type { SemanticStats } from './semantic-index.js';

/** Counters of the path to the upstream. */
export interface CacheCounters {
  /** Calls sent to the upstream for cacheable tools (misses and refreshes). */
  fetches: number;
  /** Calls of tools that are not cacheable, passed straight through. */
  bypass: number;
  /** Stale-while-revalidate background calls started. */
  refreshes: number;
  refreshFailures: number;
  /** `isError` results: returned, never stored. */
  errorResults: number;
  /** Fallbacks handed out by `lastGood()`. */
  lastGood: number;
  /** Invalidations and clears applied here, our own and other processes'. */
  invalidations: number;
}

/** A snapshot of the cache for `/metrics`, `/readyz` and the admin UI. */
export interface CacheStats {
  l1: MemoryLayerStats;
  l2: (RedisLayerStats & { enabled: true; subscribed: boolean; invalidationsReceived: number }) | { enabled: false };
  l3: SemanticStats | { enabled: false };
  upstream: CacheCounters & {
    /** Calls that waited for an identical call under way instead of making their own. */
    coalesced: number;
    /** Upstream calls under way now. */
    inFlight: number;
  };
}

export function cacheStats(layers: CacheLayers, upstream: CacheStats['upstream']): CacheStats {
  const { l1, l2, l3, channel } = layers;
  return {
    l1: l1.stats(),
    l2: l2
      ? {
          enabled: true,
          ...l2.stats(),
          subscribed: channel?.subscribed ?? false,
          invalidationsReceived: channel?.received ?? 0,
        }
      : { enabled: false },
    l3: l3 ? l3.stats() : { enabled: false },
    upstream,
  };
}
