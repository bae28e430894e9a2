import type { Catalog } from '../../catalog/catalog.js';
import type { ArgumentValidator } from '../argument-validator.js';

/** What warming did for one successor: compiled its validator, and/or put its answer in the result cache. */
export interface WarmOutcome {
  warmed: Array<'validator' | 'result'>;
}

/**
 * Calls a tool ahead of time into the result cache. `decide` says whether the tool may be (read-only by its
 * annotations and cacheable by the config) and for how long an answer stays; `call` calls it with no arguments
 * through the gateway's router, so the answer lands in the cache as any call's would.
 */
export interface Prefetcher {
  decide(name: string): { ok: boolean; ttlMs: number };
  call(name: string): Promise<unknown>;
}

export interface WarmDeps {
  catalog: Catalog;
  validator: ArgumentValidator;
  prefetch?: Prefetcher;
  /** When each tool was last prefetched (so one is not called again while its answer is still cached). */
  prefetchedAt: Map<string, number>;
}

/**
 * Warms one likely next tool: compiles its argument validator (the first call's check then costs nothing), and
 * with a prefetcher, calls it into the cache when that is free of side effects: read-only, cacheable, and callable
 * with no arguments (its arguments are otherwise unknown until the model sends them).
 */
export async function warmSuccessor(name: string, deps: WarmDeps): Promise<WarmOutcome> {
  const entry = deps.catalog.resolveTool(name);
  if (!entry) return { warmed: [] };
  const warmed: WarmOutcome['warmed'] = [];
  const schema = entry.item.inputSchema as Record<string, unknown> | undefined;
  if (deps.validator.prepare(schema)) warmed.push('validator');
  const prefetch = deps.prefetch;
  if (!prefetch || entry.item.annotations?.readOnlyHint !== true) return { warmed };
  if (!deps.validator.validate(schema, {}).ok) return { warmed };
  const decision = prefetch.decide(name);
  const last = deps.prefetchedAt.get(name);
  if (!decision.ok || (last !== undefined && Date.now() - last < decision.ttlMs)) return { warmed };
  deps.prefetchedAt.set(name, Date.now());
  if (deps.prefetchedAt.size > 10_000) deps.prefetchedAt.delete(deps.prefetchedAt.keys().next().value!);
  try {
    await prefetch.call(name);
    warmed.push('result');
  } catch {
    // A failed guess costs nothing more: the real call will go upstream as usual.
    deps.prefetchedAt.delete(name);
  }
  return { warmed };
}
