// Features of the second ranking stage, computed for the best BM25F candidates only: how much of a tool's name
// the query covers, and whether words that stand side by side in the query do so in the tool's text.

import type { Term } from '../text/analyzer.js';
import type { ToolField } from './documents.js';

/**
 * The IDF-weighted share of a tool name's words that the query asks for (a related word counts at its weight).
 * A request that names every part of `get_current_time` is very likely about that tool, while one that shares
 * only `get` is not: the IDF weighting makes the rare parts of a name count.
 */
export function nameCoverageOf(
  nameParts: readonly string[],
  queryWeights: ReadonlyMap<string, number>,
  idf: (term: string) => number,
): number {
  let matched = 0;
  let total = 0;
  for (const term of new Set(nameParts)) {
    const weight = idf(term);
    total += weight;
    matched += weight * (queryWeights.get(term) ?? 0);
  }
  return total > 0 ? matched / total : 0;
}

const pairKey = (a: string, b: string) => `${a} ${b}`;

/** Adjacent pairs of distinct query terms, in query order (stop words are already gone on both sides). */
export function queryBigrams(queryTerms: readonly Term[]): Set<string> {
  const out = new Set<string>();
  for (let i = 1; i < queryTerms.length; i++) {
    const a = queryTerms[i - 1]!;
    const b = queryTerms[i]!;
    if (a.term !== b.term && !a.joined && !b.joined) out.add(pairKey(a.term, b.term));
  }
  return out;
}

const PHRASE_FIELDS: readonly ToolField[] = ['name', 'description'];

/** How many of the query's bigrams occur, in either order, as neighbours in the tool's name or description. */
export function phraseMatches(terms: Readonly<Record<ToolField, readonly string[]>>, bigrams: ReadonlySet<string>) {
  const found = new Set<string>();
  for (const field of PHRASE_FIELDS) {
    const sequence = terms[field];
    for (let i = 1; i < sequence.length; i++) {
      const a = sequence[i - 1]!;
      const b = sequence[i]!;
      if (bigrams.has(pairKey(a, b))) found.add(pairKey(a, b));
      else if (bigrams.has(pairKey(b, a))) found.add(pairKey(b, a));
    }
  }
  return found.size;
}
