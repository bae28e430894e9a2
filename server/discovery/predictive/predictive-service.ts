import { errorMessage } from '@localmcp/plugin-api';
import type { Catalog } from '../../catalog/catalog.js';
import type { PredictiveConfig } from '../../config/predictive-schema.js';
import type { GatewayEvents } from '../../gateway/events.js';
import type { Logger } from '../../telemetry/logger.js';
import type { ArgumentValidator } from '../argument-validator.js';
import { boostSuccessors, type Rankable } from './boost.js';
import type { TransitionsStore } from './store.js';
import { ToolTransitions } from './transitions.js';
import { warmSuccessor, type Prefetcher, type WarmOutcome } from './warmer.js';

/** Sessions whose last tool is remembered; the least recently active is forgotten first. */
const MAX_SESSIONS = 10_000;
/** A session's last tool older than this says nothing about its next call. */
const SESSION_MEMORY_MS = 30 * 60_000;
/** Learned transitions are written at most this often (and on close). */
const SAVE_EVERY_MS = 5_000;
/** Distinct transitions waiting for a save, at most. */
const MAX_UNSAVED = 50_000;

/** Observes each `from\nto` transition of `delta` as many times as it was counted. */
function replay(model: ToolTransitions, delta: Map<string, number>): void {
  for (const [key, count] of delta) {
    const split = key.indexOf('\n');
    for (let i = 0; i < count; i++) model.observe(key.slice(0, split), key.slice(split + 1));
  }
}

export interface PredictiveServiceOptions {
  config: PredictiveConfig;
  catalog: Catalog;
  /** The validator calls are checked with; warming precompiles a likely successor's schema in it. */
  validator: ArgumentValidator;
  /** Calls a tool ahead of time into the result cache (`prefetch`); absent when there is no cache. */
  prefetch?: Prefetcher;
  store?: TransitionsStore;
  events?: GatewayEvents;
  logger?: Logger;
}

/** Counters for `/readyz`-style views, tests and the bench. */
export interface PredictiveStats {
  observed: number;
  transitions: number;
  boosted: number;
  warmedValidators: number;
  prefetched: number;
}

/**
 * Predictive pre-loading. Every successful tool call of a session (an MCP session, an agent run) is one step of that
 * session's sequence; consecutive steps teach {@link ToolTransitions} which tool follows which. Two uses:
 * - ranking: search_tools within a session whose last tool was A boosts tools that often follow A (`boost`);
 * - warming: right after A, each successor with P ≥ `minProbability` (and `minCount` observations) gets its argument
 *   validator compiled, and with `prefetch` a read-only, argument-free, cacheable successor is called into the
 *   result cache. Nothing with side effects is ever called ahead of time.
 * The gateway keeps every upstream connected from start-up (there are no lazily started or idle-stopped upstreams),
 * so there is no connection to open ahead of time.
 */
export class PredictiveService {
  readonly transitions: ToolTransitions;
  private readonly sessions = new Map<string, { tool: string; at: number }>();
  private readonly counters = { observed: 0, boosted: 0, warmedValidators: 0, prefetched: 0 };
  private readonly prefetchedAt = new Map<string, number>();
  private saveTimer: NodeJS.Timeout | undefined;
  /** Transitions learned since the last save (`from\nto` → times), added to the stored model by the next one. */
  private unsaved = new Map<string, number>();
  private warming: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PredictiveServiceOptions) {
    this.transitions = this.emptyModel();
  }

  get config(): PredictiveConfig {
    return this.options.config;
  }

  /** Loads what earlier runs learned. */
  async load(): Promise<void> {
    if (!this.options.store) return;
    const snapshot = await this.options.store.load();
    if (snapshot !== undefined && !this.transitions.restore(snapshot)) {
      this.options.logger?.warn('ignoring learned tool transitions in an unknown format');
    }
  }

  /** Records that `session` called `tool` successfully, learns the transition from its last tool, and warms. */
  observe(session: string | undefined, tool: string, now = Date.now()): void {
    if (!this.config.enabled || session === undefined) return;
    const last = this.lastTool(session, now);
    this.sessions.delete(session);
    this.sessions.set(session, { tool, at: now });
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.counters.observed++;
    if (last !== undefined) {
      this.transitions.observe(last, tool);
      this.scheduleSave(last, tool);
    }
    // Most calls have nothing left to warm (their successors' validators compiled long ago): they schedule nothing,
    // which kept a setImmediate and a promise off every cached call (issue 11).
    if (!this.hasWarmingFor(tool)) return;
    // After the caller has its answer: compiling a schema is synchronous work.
    // Warming is a guess: whatever goes wrong in it is logged, never an unhandled rejection (which ends the process).
    this.warming = new Promise((resolve) => setImmediate(resolve))
      .then(() => this.warmAfter(tool))
      .catch((error: unknown) => this.options.logger?.warn({ err: errorMessage(error), tool }, 'warming failed'));
  }

  /** Resolves when the warming started by the last call is done (tests, the bench). */
  settled(): Promise<unknown> {
    return this.warming;
  }

  /** The tool `session` called last, if recent. */
  lastTool(session: string | undefined, now = Date.now()): string | undefined {
    if (session === undefined) return undefined;
    const last = this.sessions.get(session);
    return last && now - last.at <= SESSION_MEMORY_MS ? last.tool : undefined;
  }

  /** Forgets a session (it closed). */
  endSession(session: string): void {
    this.sessions.delete(session);
  }

  /** How many extra candidates a boosted search should fetch, so a successor just past the cut can move up. */
  get extraCandidates(): number {
    return this.config.enabled && this.config.boost > 0 ? this.config.maxSuccessors : 0;
  }

  /** `results` re-ranked for a search made in `session` (unchanged without a recent last tool). */
  rerank<T extends Rankable>(session: string | undefined, results: T[], limit: number): T[] {
    const after = this.config.enabled ? this.lastTool(session) : undefined;
    if (after === undefined || this.config.boost <= 0) return results.slice(0, limit);
    const successors = this.transitions.successors(after, { minCount: this.config.minCount });
    if (successors.length === 0) return results.slice(0, limit);
    const ranked = boostSuccessors(results, after, successors, this.config.boost, limit);
    if (ranked.some((r, i) => r !== results[i])) this.counters.boosted++;
    return ranked;
  }

  stats(): PredictiveStats {
    return { ...this.counters, transitions: this.transitions.size };
  }

  /**
   * Adds what was learned since the last save to the stored model and takes the result as this process's model:
   * the workers of one gateway (sharing the data dir) learn together instead of the last to save overwriting the
   * others. Transitions observed while the store is busy are kept and go with the next save.
   */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const store = this.options.store;
    if (this.unsaved.size === 0 || !store) return;
    const delta = this.unsaved;
    this.unsaved = new Map();
    try {
      const merged = await store.update((stored) => {
        const model = this.emptyModel();
        model.restore(stored);
        replay(model, delta);
        return model.toJSON();
      });
      this.transitions.restore(merged);
      replay(this.transitions, this.unsaved);
    } catch (error) {
      // Kept for the next try: nothing learned is dropped because the disk was busy or full once.
      for (const [key, count] of delta) this.unsaved.set(key, (this.unsaved.get(key) ?? 0) + count);
      this.options.logger?.warn({ err: errorMessage(error) }, 'saving learned tool transitions failed');
    }
  }

  async close(): Promise<void> {
    await this.warming.catch(() => undefined);
    await this.flush();
  }

  private emptyModel(): ToolTransitions {
    return new ToolTransitions({ maxSuccessors: this.options.config.maxSuccessors });
  }

  private scheduleSave(from: string, to: string): void {
    if (!this.options.store || !this.config.persist) return;
    const key = `${from}\n${to}`;
    // Bounded like the model: past the cap, the newest transitions wait for the next save in the model alone.
    if (this.unsaved.size < MAX_UNSAVED || this.unsaved.has(key))
      this.unsaved.set(key, (this.unsaved.get(key) ?? 0) + 1);
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => void this.flush(), SAVE_EVERY_MS);
    this.saveTimer.unref();
  }

  /** The successors of `tool` likely enough to warm. */
  private likelySuccessors(tool: string) {
    return this.transitions.successors(tool, {
      minCount: this.config.minCount,
      minProbability: this.config.minProbability,
    });
  }

  /** Whether warming after `tool` could do anything: a successor to prefetch, or one whose validator is not compiled. */
  private hasWarmingFor(tool: string): boolean {
    const successors = this.likelySuccessors(tool);
    if (successors.length === 0) return false;
    if (this.config.prefetch && this.options.prefetch) return true;
    const { catalog, validator } = this.options;
    return successors.some((s) => {
      const schema = catalog.resolveTool(s.tool)?.item.inputSchema as Record<string, unknown> | undefined;
      return schema !== undefined && !validator.isPrepared(schema);
    });
  }

  private async warmAfter(tool: string): Promise<void> {
    const successors = this.likelySuccessors(tool);
    for (const successor of successors) {
      const outcome: WarmOutcome = await warmSuccessor(successor.tool, {
        catalog: this.options.catalog,
        validator: this.options.validator,
        prefetch: this.config.prefetch ? this.options.prefetch : undefined,
        prefetchedAt: this.prefetchedAt,
      });
      if (outcome.warmed.length === 0) continue;
      if (outcome.warmed.includes('validator')) this.counters.warmedValidators++;
      if (outcome.warmed.includes('result')) this.counters.prefetched++;
      this.options.events?.emit('tool:warmed', {
        tool: successor.tool,
        after: tool,
        probability: successor.probability,
        warmed: outcome.warmed,
        at: Date.now(),
      });
    }
  }
}
