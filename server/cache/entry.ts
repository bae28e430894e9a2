import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** Where an answer came from. `bypass`: the tool is not cacheable and the call went straight to the upstream. */
export type CacheLayer = 'l1' | 'l2' | 'l3' | 'upstream' | 'bypass';

/** The `_meta` key of a result served from the cache: `{ layer, ageMs, stale }`. */
export const CACHE_META_KEY = 'localmcp/cache';

/** One stored result, the same in memory and (as JSON) in Redis. */
export interface CacheEntry {
  /** When the upstream call that produced it started (ms since the epoch): an invalidation during the call wins. */
  storedAt: number;
  ttlMs: number;
  result: CallToolResult;
}

/** An entry in memory, with what L1 needs besides the entry itself. */
export interface MemoryEntry extends CacheEntry {
  server: string;
  /** JSON size of the entry: what counts against `l1.maxBytes`. */
  bytes: number;
}

/** The timing windows of the cache, from the config. */
export interface Windows {
  staleWhileRevalidateMs: number;
  staleIfErrorMs: number;
}

/**
 * `fresh`: serve. `stale`: serve and refresh in the background (stale-while-revalidate). `expired`: do not
 * serve, but keep as a fallback for a failing upstream until the stale-if-error window ends.
 */
export type Freshness = 'fresh' | 'stale' | 'expired';

export function freshness(entry: CacheEntry, now: number, windows: Windows, invalidatedAt = -Infinity): Freshness {
  // An entry from before an invalidation of its server is never served, only kept for lastGood().
  if (entry.storedAt <= invalidatedAt) return 'expired';
  const age = now - entry.storedAt;
  if (age < entry.ttlMs) return 'fresh';
  return age < entry.ttlMs + windows.staleWhileRevalidateMs ? 'stale' : 'expired';
}

/** Whether `lastGood()` may still return it: stale-if-error counts from the end of the TTL (RFC 5861). */
export function usableIfError(entry: CacheEntry, now: number, windows: Windows): boolean {
  return now - entry.storedAt <= entry.ttlMs + windows.staleIfErrorMs;
}

/** How long a store keeps an entry: TTL plus the longer of the two stale windows. */
export function retentionMs(ttlMs: number, windows: Windows): number {
  return ttlMs + Math.max(windows.staleWhileRevalidateMs, windows.staleIfErrorMs);
}

/** A copy of `result` that says it came from the cache; the stored result is left as it is. */
export function markCached(result: CallToolResult, layer: CacheLayer, ageMs: number, stale: boolean): CallToolResult {
  const mark = { layer, ageMs: Math.max(0, ageMs), stale };
  // The usual result has no _meta: a literal key keeps the new object a fast one (a computed key made it a
  // dictionary, slower to build and to serialize on every cache hit).
  const meta = result._meta ? { ...result._meta, [CACHE_META_KEY]: mark } : { 'localmcp/cache': mark };
  return { ...result, _meta: meta };
}

export function encodeEntry(entry: CacheEntry): string {
  return JSON.stringify({ storedAt: entry.storedAt, ttlMs: entry.ttlMs, result: entry.result });
}

/** Reads an entry written by encodeEntry(); undefined for anything else (a shared Redis may hold anything). */
export function decodeEntry(text: string): CacheEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { storedAt, ttlMs, result } = value as Record<string, unknown>;
  if (typeof storedAt !== 'number' || typeof ttlMs !== 'number') return undefined;
  if (typeof result !== 'object' || result === null || !Array.isArray((result as CallToolResult).content)) {
    return undefined;
  }
  return { storedAt, ttlMs, result: result as CallToolResult };
}
