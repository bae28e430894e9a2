// The second ranking stage, over the best BM25F candidates: final tool scores from the per-concept BM25F
// contributions, coordination (the share of the request a tool covers) and the name/phrase boost; then, in
// two-stage search, the combination with server scores as in MCP-Zero (arXiv 2506.01056).

import { queryCoverageOf } from './features.js';

/**
 * How two-stage search combines a tool's server score s and tool score t (both normalised to 0..1):
 * `mcp-zero` is (s·t)·max(s, t) as in MCP-Zero; `product` is s·t.
 */
export type ScoreCombination = 'mcp-zero' | 'product';

/** A candidate of the second stage. */
export interface RankCandidate<T> {
  item: T;
  server: string;
  /** Per concept: its BM25F contribution to the tool's score. */
  contributions: Float64Array;
  /** Per concept: 1 when matched by the word itself, a related word's weight when only by one, else 0. */
  matchWeights: Float64Array;
  /** Multiplicative boost from the features (name coverage, phrases); 1 is neutral. */
  boost: number;
}

export interface RankQuery {
  /** Per concept: its IDF, its weight in the query, and whether full coverage requires it. */
  idf: readonly number[];
  queryWeight: readonly number[];
  required: readonly boolean[];
  /** Scores are multiplied by coverage^coordination. */
  coordination: number;
}

export interface RankOptions {
  limit: number;
  /** Two-stage: each server's document score, normalised to 0..1 (absent: single-stage). */
  serverScores?: ReadonlyMap<string, number>;
  /** Two-stage: tools of the best this-many servers are ranked ahead of the others. */
  serverLimit: number;
  /** Two-stage: share of a server's score that comes from its best candidate tools (0..1). */
  serverFromTools: number;
  /** How many of a server's best candidate tools are summed for that share. */
  serverTopTools: number;
  combine: ScoreCombination;
  /**
   * Two-stage: the first `fusionDepth` results are the reciprocal-rank fusion (constant `fusionK`) of the
   * server-gated ranking, weighing `fusionWeight`, and the ungated one; the gated ranking fills the rest.
   * A `fusionDepth` of 0 turns fusion off.
   */
  fusionDepth?: number;
  fusionK?: number;
  fusionWeight?: number;
}

export interface Ranked<T> {
  item: T;
  /** 0..1, the best tool of a search scoring 1 in single-stage search. */
  score: number;
}

const combineScores = (combine: ScoreCombination, s: number, t: number) =>
  combine === 'mcp-zero' ? s * t * Math.max(s, t) : s * t;

/** The IDF-weighted share of the required concepts a candidate matches (a related word counts at its weight). */
const coverage = (candidate: RankCandidate<unknown>, query: RankQuery): number =>
  queryCoverageOf(candidate.matchWeights, query.idf, query.required);

/** The tool score of each candidate, normalised so that the best is 1. */
export function toolScores(candidates: readonly RankCandidate<unknown>[], query: RankQuery): Float64Array {
  const scores = new Float64Array(candidates.length);
  let max = 0;
  candidates.forEach((cand, i) => {
    let sum = 0;
    for (let c = 0; c < query.idf.length; c++) sum += query.queryWeight[c]! * cand.contributions[c]!;
    scores[i] = sum * coverage(cand, query) ** query.coordination * cand.boost;
    max = Math.max(max, scores[i]!);
  });
  if (max > 0) for (let i = 0; i < scores.length; i++) scores[i]! /= max;
  return scores;
}

/** The best `limit` candidates, best first. */
export function rank<T>(candidates: readonly RankCandidate<T>[], query: RankQuery, options: RankOptions): Ranked<T>[] {
  const tools = toolScores(candidates, query);
  const order = (scores: ArrayLike<number>, group: (i: number) => number = () => 0) =>
    candidates
      .map((cand, i) => ({ item: cand.item, i, group: group(i), score: scores[i]! }))
      .filter((r) => r.score > 0)
      // Ties keep the first stage's order, which is deterministic.
      .sort((a, b) => b.group - a.group || b.score - a.score || a.i - b.i)
      .slice(0, options.limit)
      .map(({ item, score }) => ({ item, score }));
  if (!options.serverScores) return order(tools);

  const { score: serverScore, top } = combinedServerScores(options.serverScores, candidates, tools, options);
  const combined = candidates.map((cand, i) =>
    combineScores(options.combine, serverScore.get(cand.server)!, tools[i]!),
  );
  // Tools of the best servers first; the others follow, so that a narrow server gate never empties the result.
  const group = (i: number) => (top.has(candidates[i]!.server) ? 1 : 0);
  const gated = order(combined, group);
  const depth = Math.min(options.fusionDepth ?? 0, options.limit);
  if (depth <= 0) return gated;
  // The head of the list fuses the gated and the ungated rankings (reciprocal-rank fusion, Cormack, Clarke &
  // Büttcher, SIGIR 2009): the gate's precision at the top, and a strong tool of a server the gate missed
  // still among the first results. Past the head the gated order alone, which keeps a multi-need request's
  // spread over its best servers.
  const k = options.fusionK ?? 10;
  const w = options.fusionWeight ?? 0.5;
  const fused = new Float64Array(candidates.length);
  const addRanks = (scores: ArrayLike<number>, weight: number, groupOf: (i: number) => number) =>
    [...candidates.keys()]
      .filter((i) => scores[i]! > 0)
      .sort((a, b) => groupOf(b) - groupOf(a) || scores[b]! - scores[a]! || a - b)
      .forEach((i, r) => (fused[i]! += weight / (k + r + 1)));
  addRanks(combined, w, group);
  addRanks(tools, 1 - w, () => 0);
  const head = order(fused).slice(0, depth);
  const inHead = new Set(head.map((r) => r.item));
  const merged = [...head, ...gated.filter((r) => !inHead.has(r.item))].slice(0, options.limit);
  // Scores stay those of two-stage search, and still fall down the list: a tool the fusion moved up takes the
  // score of the tool below it when its own is lower.
  const slot = new Map(candidates.map((cand, i) => [cand.item, i]));
  let below = 0;
  for (let at = merged.length - 1; at >= 0; at--) {
    below = Math.max(below, combined[slot.get(merged[at]!.item)!]!);
    merged[at] = { item: merged[at]!.item, score: below };
  }
  return merged;
}

/**
 * The server score of each candidate's server, normalised to 0..1 over all servers, and which of those servers
 * are among the best `serverLimit`. A server's score is its document score, mixed with a score from its best
 * candidate tools (the sum of its `serverTopTools` best tool scores, normalised): a server whose tools match
 * well is a good server even when its own description says little. Servers with no candidate keep their
 * document score alone; only the best few of them are looked at, so the cost does not grow with the catalog.
 */
function combinedServerScores(
  documentScores: ReadonlyMap<string, number>,
  candidates: readonly RankCandidate<unknown>[],
  tools: Float64Array,
  options: RankOptions,
): { score: Map<string, number>; top: Set<string> } {
  const perServer = new Map<string, number[]>();
  candidates.forEach((cand, i) => {
    let list = perServer.get(cand.server);
    if (!list) perServer.set(cand.server, (list = []));
    list.push(tools[i]!);
  });
  const fromTools = new Map<string, number>();
  let maxFromTools = 0;
  for (const [server, scores] of perServer) {
    const value = scores
      .sort((a, b) => b - a)
      .slice(0, options.serverTopTools)
      .reduce((sum, x) => sum + x, 0);
    fromTools.set(server, value);
    maxFromTools = Math.max(maxFromTools, value);
  }
  const w = options.serverFromTools;
  const score = new Map<string, number>();
  for (const [server, value] of fromTools)
    score.set(server, (1 - w) * (documentScores.get(server) ?? 0) + (w * value) / (maxFromTools || 1));
  // The strongest servers without candidates, which may still outrank the candidates' servers: only the best
  // `serverLimit` of them matter, kept in a small array sorted best first.
  const rest: number[] = [];
  for (const [server, value] of documentScores) {
    if (score.has(server)) continue;
    const mixed = (1 - w) * value;
    if (rest.length === options.serverLimit && mixed <= rest[rest.length - 1]!) continue;
    let at = rest.length;
    while (at > 0 && rest[at - 1]! < mixed) at--;
    rest.splice(at, 0, mixed);
    if (rest.length > options.serverLimit) rest.pop();
  }
  const all = [...score.values(), ...rest].sort((a, b) => b - a);
  const best = all[0] || 1;
  const threshold = all[Math.min(options.serverLimit, all.length) - 1] ?? Infinity;
  const top = new Set<string>();
  for (const [server, value] of score) {
    if (value >= threshold) top.add(server);
    score.set(server, value / best);
  }
  return { score, top };
}
