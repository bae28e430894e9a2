import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  encodeEntry,
  freshness,
  markCached,
  retentionMs,
  type CacheEntry,
  type CacheLayer,
  type Windows,
} from './entry.js';
import type { CacheKey } from './keys.js';
import type { CacheLayers } from './layers.js';
import type { CacheDecision } from './policy.js';
import { SingleFlight } from './single-flight.js';

/** Where a caller's signal is, when it has one (an object, so that the signal can be a getter). */
export interface CallerSignal {
  readonly signal?: AbortSignal;
}

/**
 * Calls the upstream. `signal` aborts when every caller waiting on this call has given up. `background` is true
 * for a stale-while-revalidate refresh, which has no caller to report progress to.
 */
export type FetchToolResult = (signal: AbortSignal, context: { background: boolean }) => Promise<CallToolResult>;

/** An answer and where it came from; a cached `result` also says so in `_meta['localmcp/cache']`. */
export interface CachedCall {
  result: CallToolResult;
  layer: CacheLayer;
  /** Served after its TTL, while a background call refreshes it. */
  stale: boolean;
  ageMs: number;
}

/**
 * The read path of a cacheable call: L1, then (once per key at a time) L2, L3 and the upstream, storing what the
 * upstream answers. Also decides whether an entry may be served: within its TTL, within the stale-while-revalidate
 * window (then refreshed by one background call), and not stored before its server was last invalidated.
 */
export class ReadThrough {
  readonly counters = { fetches: 0, refreshes: 0, refreshFailures: 0, errorResults: 0 };
  private readonly lookups = new SingleFlight<CachedCall>();
  private readonly fetches = new SingleFlight<CallToolResult>();
  private readonly invalidatedAt = new Map<string, number>();
  private invalidatedAll = -Infinity;

  constructor(
    private readonly layers: CacheLayers,
    private readonly windows: Windows,
    private readonly now: () => number,
    /** Keeps background work (L2 writes, refreshes) visible to `idle()`. */
    private readonly track: (work: Promise<unknown>) => void,
  ) {}

  /** Calls that joined an identical one under way, and upstream calls under way now. */
  flights(): { coalesced: number; inFlight: number } {
    return { coalesced: this.lookups.joined + this.fetches.joined, inFlight: this.fetches.size };
  }

  /** Entries of `server` (all without one) stored at or before `at` are no longer served. */
  invalidate(server: string | undefined, at: number): void {
    if (server === undefined) this.invalidatedAll = Math.max(this.invalidatedAll, at);
    else this.invalidatedAt.set(server, Math.max(this.invalidatedAt.get(server) ?? -Infinity, at));
  }

  /**
   * `caller.signal` is read only when L1 cannot answer: an L1 hit never needs it, and a caller may create it lazily
   * (an AbortSignal costs a few µs, a noticeable share of a hit).
   */
  read(key: CacheKey, decision: CacheDecision, fetch: FetchToolResult, caller: CallerSignal = {}): Promise<CachedCall> {
    const { l1 } = this.layers;
    const local = l1.get(key.id);
    const served = local && this.serve(local, 'l1', key, decision, fetch);
    if (served) return Promise.resolve(served);
    l1.counters.misses++;
    return this.lookups.run(key.id, (shared) => this.lookup(key, decision, fetch, shared), caller.signal);
  }

  private serve(
    entry: CacheEntry,
    layer: 'l1' | 'l2' | 'l3',
    key: CacheKey,
    decision: CacheDecision,
    fetch: FetchToolResult,
  ): CachedCall | undefined {
    const now = this.now();
    const invalidatedAt = Math.max(this.invalidatedAll, this.invalidatedAt.get(key.server) ?? -Infinity);
    const state = freshness(entry, now, this.windows, invalidatedAt);
    // A stale L3 match is not refreshed: its refresh would need the other call's arguments.
    if (state === 'expired' || (layer === 'l3' && state === 'stale')) return undefined;
    const stale = state === 'stale';
    const counters = layer === 'l1' ? this.layers.l1.counters : layer === 'l2' ? this.layers.l2?.counters : undefined;
    if (counters) counters[stale ? 'staleHits' : 'hits']++;
    if (stale) this.refresh(key, decision, fetch);
    const ageMs = now - entry.storedAt;
    return { result: markCached(entry.result, layer, ageMs, stale), layer, stale, ageMs };
  }

  private async lookup(
    key: CacheKey,
    decision: CacheDecision,
    fetch: FetchToolResult,
    signal: AbortSignal,
  ): Promise<CachedCall> {
    const { l1, l2, l3 } = this.layers;
    const remote = await l2?.get(key.id);
    if (remote) {
      const served = this.serve(remote, 'l2', key, decision, fetch);
      if (served) {
        const keepMs = retentionMs(remote.ttlMs, this.windows) - served.ageMs;
        if (keepMs > 0) l1.set(key.id, { ...remote, server: key.server, bytes: remote.bytes + key.id.length }, keepMs);
        return served;
      }
      l2!.counters.misses++;
    }
    let vector: Float32Array | undefined;
    if (decision.semantic && l3) {
      vector = await l3.embed(key.argsJson, signal);
      const near = vector && l3.nearest(key.scope, vector);
      if (near) {
        const entry = l1.get(near.id) ?? (await l2?.get(near.id));
        const served = entry && this.serve(entry, 'l3', key, decision, fetch);
        if (served) {
          l3.counters.hits++;
          return served;
        }
        l3.remove(near.id);
      }
      l3.counters.misses++;
    }
    const result = await this.fetches.run(key.id, (s) => this.fetch(key, decision, fetch, s, false, vector), signal);
    return { result, layer: 'upstream', stale: false, ageMs: 0 };
  }

  private async fetch(
    key: CacheKey,
    decision: CacheDecision,
    fetch: FetchToolResult,
    signal: AbortSignal,
    background: boolean,
    vector?: Float32Array,
  ): Promise<CallToolResult> {
    const storedAt = this.now(); // the start: an invalidation while the call runs makes the result not servable
    this.counters.fetches++;
    const result = await fetch(signal, { background });
    if (result.isError) {
      this.counters.errorResults++; // a tool error is an answer for this caller, not one to repeat to others
      return result;
    }
    const { ttlMs } = decision;
    const json = encodeEntry({ storedAt, ttlMs, result });
    const keepMs = retentionMs(ttlMs, this.windows);
    const bytes = Buffer.byteLength(json) + key.id.length;
    this.layers.l1.set(key.id, { storedAt, ttlMs, result, server: key.server, bytes }, keepMs);
    if (this.layers.l2) this.track(this.layers.l2.set(key.id, json, keepMs));
    if (vector) this.layers.l3?.add(key.scope, key.id, vector);
    return result;
  }

  /** Stale-while-revalidate: one background call per key; its failure leaves the stale entry in place. */
  private refresh(key: CacheKey, decision: CacheDecision, fetch: FetchToolResult): void {
    if (this.fetches.has(key.id)) return;
    this.counters.refreshes++;
    const refreshed = this.fetches.run(key.id, (signal) => this.fetch(key, decision, fetch, signal, true));
    this.track(refreshed.catch(() => this.counters.refreshFailures++));
  }
}
