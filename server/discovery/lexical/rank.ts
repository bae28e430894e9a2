// The second ranking stage: final tool scores from per-concept BM25F contributions, coordination and the
// name/phrase features; the two-stage combination with server scores; and an optional diversification that
// lets a long request (several needs in one sentence) bring up tools for each need, not ten for the first.

import type { ScoreCombination } from './lexical-index.js';

/** A candidate of the second stage. `contributions[c]` is concept c's BM25F share of its score. */
export interface RankCandidate<T> {
  item: T;
  server: string;
  contributions: Float64Array;
  /** Per concept: 1 when matched by the word itself, the related-word weight when only by a related word, else 0. */
  matchWeights: Float64Array;
  /** Multiplicative boost from the features (name coverage, phrases); 1 is neutral. */
  boost: number;
}

export interface RankQuery {
  /** Per concept: its IDF, its weight in the query, and whether full coverage requires it. */
  idf: readonly number[];
  queryWeight: readonly number[];
  required: readonly boolean[];
  coordination: number;
}

export interface RankOptions {
  limit: number;
  /** 0..1; 0 ranks by score alone. */
  diversity: number;
  /** Two-stage: each server's score, normalised to 0..1 (absent: single-stage). */
  serverScores?: ReadonlyMap<string, number>;
  /** Two-stage: tools of the best this-many servers are ranked ahead of the others. */
  serverLimit: number;
  combine: ScoreCombination;
}

export interface Ranked<T> {
  item: T;
  score: number;
}

const combineScores = (combine: ScoreCombination, s: number, t: number) =>
  combine === 'mcp-zero' ? s * t * Math.max(s, t) : s * t;

/** The IDF-weighted share of the required concepts a candidate matches. */
function coverage(candidate: RankCandidate<unknown>, query: RankQuery): number {
  let matched = 0;
  let total = 0;
  query.required.forEach((required, c) => {
    if (!required) return;
    total += query.idf[c]!;
    matched += query.idf[c]! * candidate.matchWeights[c]!;
  });
  return total > 0 ? matched / total : 1;
}

/** Ranks candidates; `residual[c]` (1 = not yet covered) scales each concept under diversification. */
export function rank<T>(candidates: readonly RankCandidate<T>[], query: RankQuery, options: RankOptions): Ranked<T>[] {
  const C = query.idf.length;
  const residual = new Float64Array(C).fill(1);
  const factor = candidates.map((cand) => coverage(cand, query) ** query.coordination * cand.boost);
  const toolScore = (i: number) => {
    const cand = candidates[i]!;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += query.queryWeight[c]! * residual[c]! * cand.contributions[c]!;
    return sum * factor[i]!;
  };
  let maxTool = 0;
  for (let i = 0; i < candidates.length; i++) maxTool = Math.max(maxTool, toolScore(i));
  if (maxTool === 0) return [];

  const { serverScores } = options;
  const topServers = serverScores
    ? new Set(
        [...serverScores.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, options.serverLimit)
          .map(([server]) => server),
      )
    : undefined;
  // Sort key: tools of the best servers first (two-stage), then the score.
  const key = (i: number): [number, number] => {
    const t = toolScore(i) / maxTool;
    if (!serverScores) return [0, t];
    const server = candidates[i]!.server;
    return [topServers!.has(server) ? 1 : 0, combineScores(options.combine, serverScores.get(server) ?? 0, t)];
  };
  const better = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

  if (options.diversity <= 0) {
    return candidates
      .map((cand, i) => ({ cand, i, k: key(i) }))
      .sort((a, b) => (better(a.k, b.k) ? -1 : better(b.k, a.k) ? 1 : a.i - b.i))
      .slice(0, options.limit)
      .map(({ cand, k }) => ({ item: cand.item, score: k[1] }));
  }

  const out: Ranked<T>[] = [];
  const taken = new Uint8Array(candidates.length);
  while (out.length < Math.min(options.limit, candidates.length)) {
    let best = -1;
    let bestKey: [number, number] = [-1, -1];
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const k = key(i);
      if (best < 0 || better(k, bestKey)) [best, bestKey] = [i, k];
    }
    taken[best] = 1;
    out.push({ item: candidates[best]!.item, score: bestKey[1] });
    // A concept the chosen tool matches well counts less for the next picks.
    const chosen = candidates[best]!;
    for (let c = 0; c < C; c++) {
      const saturation = query.idf[c]! > 0 ? Math.min(1, chosen.contributions[c]! / query.idf[c]!) : 0;
      residual[c]! *= 1 - options.diversity * saturation;
    }
  }
  return out;
}
