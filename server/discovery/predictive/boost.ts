import type { Successor } from './transitions.js';

/** What a ranked result needs for the boost: the fields search_tools shows. */
export interface Rankable {
  name: string;
  score: number;
  reason: string;
}

/**
 * Re-ranks search results after tool `after`: a likely successor's score becomes score × (1 + weight × P), where P
 * is its smoothed probability. Multiplicative and bounded (at most 1 + weight), so the query still decides what is
 * relevant: a tool that does not match it is not in `results` to begin with, and a weak match gains little. The
 * reason of a boosted result says so ("often follows X"). Results keep their order among equals.
 */
export function boostSuccessors<T extends Rankable>(
  results: T[],
  after: string,
  successors: Successor[],
  weight: number,
  limit = results.length,
): T[] {
  if (weight <= 0 || successors.length === 0) return results.slice(0, limit);
  const likely = new Map(successors.map((s) => [s.tool, s.probability]));
  const boosted = results.map((result, order) => {
    const p = likely.get(result.name);
    if (p === undefined) return { result, score: result.score, order };
    const score = Math.round(result.score * (1 + weight * p) * 1000) / 1000;
    const reason = `${result.reason}; often follows ${after} (${Math.round(p * 100)}%)`;
    return { result: { ...result, score, reason }, score, order };
  });
  boosted.sort((a, b) => b.score - a.score || a.order - b.order);
  return boosted.slice(0, limit).map((b) => b.result);
}
