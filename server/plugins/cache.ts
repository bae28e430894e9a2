import type { PluginCache } from '@localmcp/plugin-api';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** Options of {@link MemoryPluginCache}. */
export interface MemoryPluginCacheOptions {
  /** The least recently used entries are dropped past this many. Default 10 000. */
  maxEntries?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/**
 * An in-memory {@link PluginCache} with per-entry TTL and a size bound (least recently used out first). It stands
 * in until the gateway's tiered cache exists; anything implementing PluginCache can replace it.
 */
export class MemoryPluginCache implements PluginCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryPluginCacheOptions = {}) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    // Re-insert so Map order is least-recently-used first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value as T;
  }

  async set(key: string, value: unknown, options: { ttlMs?: number } = {}): Promise<void> {
    const { ttlMs } = options;
    this.#entries.delete(key);
    if (ttlMs !== undefined && !(ttlMs > 0)) return; // a non-positive TTL expires at once
    this.#entries.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : this.#now() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}

/**
 * A view of `cache` whose keys are prefixed with `namespace`, so each plugin has its own key space on the shared
 * cache and two plugins using the key `model` cannot read each other's values.
 */
export function namespacedCache(cache: PluginCache, namespace: string): PluginCache {
  const prefix = `${namespace}\u0000`;
  return {
    get: <T = unknown>(key: string) => cache.get<T>(prefix + key),
    set: (key, value, options) => cache.set(prefix + key, value, options),
    delete: (key) => cache.delete(prefix + key),
  };
}
