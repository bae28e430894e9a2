import { LRUCache } from 'lru-cache';
import type { MemoryEntry } from './entry.js';

export interface MemoryLayerOptions {
  maxBytes: number;
  maxEntryBytes: number;
  /** The clock lru-cache measures TTLs with (ms); the cache's own clock, so tests can move time. */
  now: () => number;
}

export interface MemoryLayerStats {
  hits: number;
  misses: number;
  staleHits: number;
  entries: number;
  bytes: number;
  maxBytes: number;
  /** Entries pushed out to make room (not expiries, not deletions). */
  evictions: number;
  /** Results bigger than `maxEntryBytes`, not kept. */
  tooLarge: number;
}

/**
 * L1: results in this process, least recently used out first, bounded by the summed JSON size of the results
 * rather than by a count (one 5 MB listing weighs as much as thousands of small answers). Each entry lives for its
 * TTL plus the stale windows; whether it may be served is decided by the caller from its `storedAt`.
 */
export class MemoryLayer {
  readonly counters = { hits: 0, misses: 0, staleHits: 0, evictions: 0, tooLarge: 0 };
  private readonly lru: LRUCache<string, MemoryEntry>;

  constructor(private readonly options: MemoryLayerOptions) {
    this.lru = new LRUCache<string, MemoryEntry>({
      maxSize: options.maxBytes,
      maxEntrySize: options.maxEntryBytes,
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
      perf: { now: options.now },
      // No cached clock reading: the injected clock may jump (tests), and Date.now() is cheap.
      ttlResolution: 0,
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') this.counters.evictions++;
      },
    });
  }

  /** The entry, fresh or not (expired past its retention: undefined). Does not count a hit or a miss. */
  get(id: string): MemoryEntry | undefined {
    return this.lru.get(id);
  }

  /** Keeps `entry` for `retentionMs`; false (and counted) when it is larger than `maxEntryBytes`. */
  set(id: string, entry: MemoryEntry, retentionMs: number): boolean {
    if (entry.bytes > this.options.maxEntryBytes) {
      this.counters.tooLarge++;
      this.lru.delete(id);
      return false;
    }
    this.lru.set(id, entry, { ttl: Math.max(1, retentionMs) });
    return true;
  }

  delete(id: string): boolean {
    return this.lru.delete(id);
  }

  /** Drops the entries of one server, or all; returns how many went. */
  clear(server?: string): number {
    if (server === undefined) {
      const count = this.lru.size;
      this.lru.clear();
      return count;
    }
    let count = 0;
    // Collect first: deleting while iterating an LRUCache skips entries.
    const ids = [...this.lru.entries()].filter(([, entry]) => entry.server === server).map(([id]) => id);
    for (const id of ids) if (this.lru.delete(id)) count++;
    return count;
  }

  stats(): MemoryLayerStats {
    return {
      ...this.counters,
      entries: this.lru.size,
      bytes: this.lru.calculatedSize,
      maxBytes: this.options.maxBytes,
    };
  }
}
