import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { CacheConfig } from '../config/cache-schema.js';
import type { RedisConfig } from '../config/redis-schema.js';
import type { RedisConnection } from '../redis/connection.js';
import { silentLogger, type Logger } from '../telemetry/logger.js';
import { markCached, usableIfError, type CacheEntry, type CacheLayer, type Windows } from './entry.js';
import type { InvalidationMessage } from './invalidation-channel.js';
import { toolCallKey, type ToolCallIdentity } from './keys.js';
import { createCacheLayers, type CacheLayers } from './layers.js';
import { CachePolicy, type CacheDecision } from './policy.js';
import { ReadThrough, type CachedCall, type FetchToolResult } from './read-through.js';
import type { TextEmbedder } from './semantic-index.js';
import { cacheStats, type CacheStats } from './stats.js';

/** A tool call as the cache sees it: who, what, with which arguments, and the tool's MCP annotations. */
export interface ToolCallRequest extends ToolCallIdentity {
  annotations?: ToolAnnotations;
}

export interface ToolResultCacheOptions {
  config: CacheConfig;
  /** The top-level `redis` section: L2 is on when it is set (unless `cache.l2.enabled` is false). */
  redis?: RedisConfig;
  /** An open connection to `redis` for L2 (e.g. the gateway's), left open by `close()`; default: its own. */
  redisConnection?: RedisConnection;
  /** An embedder plugin instance: L3 is on when this is set and `cache.l3.enabled` is true. */
  embedder?: TextEmbedder;
  logger?: Logger;
  /** The clock (ms since the epoch); tests move it instead of sleeping. */
  now?: () => number;
}

/**
 * The tool result cache: L1 memory, L2 Redis, L3 similar calls, in front of the upstream. Identical concurrent
 * misses reach the upstream once; results past their TTL can be served while one background call refreshes them;
 * `lastGood()` gives the circuit breaker a fallback for a failing upstream. Cache trouble (Redis down or slow, an
 * embedder failing) is counted in `stats()` and never reaches the caller.
 */
export class ToolResultCache {
  readonly policy: CachePolicy;
  private readonly layers: CacheLayers;
  private readonly windows: Windows;
  private readonly now: () => number;
  private readonly reader: ReadThrough;
  private readonly background = new Set<Promise<unknown>>();
  private readonly counters = { bypass: 0, lastGood: 0, invalidations: 0 };
  private closed: Promise<void> | undefined;

  constructor(options: ToolResultCacheOptions) {
    const { config } = options;
    this.now = options.now ?? Date.now;
    this.windows = { staleWhileRevalidateMs: config.staleWhileRevalidateMs, staleIfErrorMs: config.staleIfErrorMs };
    this.layers = createCacheLayers({
      config,
      redis: options.redis,
      connection: options.redisConnection,
      embedder: options.embedder,
      logger: options.logger ?? silentLogger(),
      now: this.now,
      onInvalidation: (message) => this.apply(message, true),
    });
    this.policy = new CachePolicy(config, this.layers.l3 !== undefined);
    this.reader = new ReadThrough(this.layers, this.windows, this.now, (work) => this.track(work));
  }

  /** Whether and how long results of `server`'s `tool` are kept. */
  decide(server: string, tool: string, annotations?: ToolAnnotations): CacheDecision {
    return this.policy.decide(server, tool, annotations);
  }

  /**
   * Answers from the cache when it can, else through `fetch` (once for all identical calls under way). Errors
   * are the upstream's (from `fetch`) or the caller's abort, never the cache's.
   */
  async call(
    request: ToolCallRequest,
    fetch: FetchToolResult,
    /** `decision`: what {@link decide} said for this call, when the caller asked already. */
    options: { signal?: AbortSignal; decision?: CacheDecision } = {},
  ): Promise<CachedCall> {
    const decision = options.decision ?? this.policy.decide(request.server, request.tool, request.annotations);
    if (decision.cacheable) return this.reader.read(toolCallKey(request), decision, fetch, options);
    this.counters.bypass++;
    const result = await fetch(options.signal ?? new AbortController().signal, { background: false });
    return { result, layer: 'bypass', stale: false, ageMs: 0 };
  }

  /**
   * The last result stored for this call, fresh or not, while within `staleIfErrorMs` after its TTL, with its age:
   * the fallback for an upstream that fails or whose circuit is open. Invalidated entries still count here.
   */
  async lastGood(request: ToolCallIdentity): Promise<{ result: CallToolResult; ageMs: number } | undefined> {
    const key = toolCallKey(request);
    const now = this.now();
    const find = async (): Promise<[CacheEntry, CacheLayer] | undefined> => {
      const local = this.layers.l1.get(key.id);
      if (local && usableIfError(local, now, this.windows)) return [local, 'l1'];
      const remote = await this.layers.l2?.get(key.id);
      if (remote && usableIfError(remote, now, this.windows)) return [remote, 'l2'];
      return undefined;
    };
    const found = await find();
    if (!found) return undefined;
    const [entry, layer] = found;
    this.counters.lastGood++;
    const ageMs = now - entry.storedAt;
    return { result: markCached(entry.result, layer, ageMs, ageMs >= entry.ttlMs), ageMs };
  }

  /**
   * After an upstream restart or a tool list change: results stored until now are no longer served, here and
   * (over pub/sub) in the other gateway processes, and L2 drops them. Local copies stay for `lastGood()`.
   */
  async invalidateServer(server: string): Promise<void> {
    const message: InvalidationMessage = { op: 'invalidate', server, at: this.now() };
    this.apply(message, false);
    await Promise.all([this.layers.l2?.clear(server), this.layers.channel?.publish(message)]);
  }

  /** Drops the entries of one server (or all) from every layer, here and in the other processes. */
  async clear(server?: string): Promise<{ l1: number; l2: number; l3: number }> {
    const message: InvalidationMessage = { op: 'clear', server, at: this.now() };
    const local = this.apply(message, false);
    const [l2] = await Promise.all([this.layers.l2?.clear(server), this.layers.channel?.publish(message)]);
    return { ...local, l2: l2 ?? 0 };
  }

  stats(): CacheStats {
    return cacheStats(this.layers, { ...this.reader.counters, ...this.counters, ...this.reader.flights() });
  }

  /** Resolves when background work (L2 writes, refreshes) has settled. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Waits for background work, then closes the Redis connections. Safe to call twice. */
  close(): Promise<void> {
    this.closed ??= this.idle().then(() => this.layers.close());
    return this.closed;
  }

  /** Applies an invalidation, ours or (remote) another process's; returns what went from L1 and L3. */
  private apply(message: InvalidationMessage, remote: boolean): { l1: number; l3: number } {
    // A remote time is another machine's clock: take the later of it and ours, so that no entry stored here
    // before the message arrived is served after it.
    const at = remote ? Math.max(message.at, this.now()) : message.at;
    const { server } = message;
    this.counters.invalidations++;
    this.reader.invalidate(server, at);
    const l3 = this.layers.l3?.clear(server === undefined ? undefined : `${server}\u0000`) ?? 0;
    const l1 = message.op === 'clear' ? this.layers.l1.clear(server) : 0;
    return { l1, l3 };
  }

  private track(work: Promise<unknown>): void {
    this.background.add(work);
    const done = () => this.background.delete(work);
    work.then(done, done);
  }
}
