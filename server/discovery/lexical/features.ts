// Features of the second ranking stage, computed for the best BM25F candidates only: how much of a tool's name
// and of its summary the query covers, and whether words that stand side by side in the query do so in the
// tool's name or summary.

import type { Term } from '../text/analyzer.js';
import { isCjkTerm } from '../text/tokenize.js';
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

/**
 * The words of a summary (the description's first sentence) whose coverage counts, or none when the summary is
 * written in CJK: the summary terms that are not CJK n-grams, unless those are the majority.
 */
export function summaryParts(summary: readonly string[]): string[] {
  const words = summary.filter((term) => !isCjkTerm(term));
  return words.length * 2 >= summary.length ? words : [];
}

/**
 * The IDF-weighted share of the query's required concepts a tool matches (a related word counts at its weight):
 * the coverage of coordination, from the candidate's per-concept match weights.
 */
export function queryCoverageOf(
  matchWeights: ArrayLike<number>,
  idf: readonly number[],
  required: readonly boolean[],
): number {
  let matched = 0;
  let total = 0;
  for (let c = 0; c < idf.length; c++) {
    if (!required[c]) continue;
    total += idf[c]!;
    matched += idf[c]! * matchWeights[c]!;
  }
  return total > 0 ? matched / total : 1;
}

/**
 * The adjacent pairs of distinct query terms (stop words are already gone on both sides), as a lookup from a
 * term to the terms that follow or precede it in the query: phrases match in either order.
 */
export function queryBigrams(queryTerms: readonly Term[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    let set = out.get(a);
    if (!set) out.set(a, (set = new Set()));
    set.add(b);
  };
  for (let i = 1; i < queryTerms.length; i++) {
    const a = queryTerms[i - 1]!;
    const b = queryTerms[i]!;
    if (a.term === b.term || a.joined || b.joined || a.implied || b.implied) continue;
    link(a.term, b.term);
    link(b.term, a.term);
  }
  return out;
}

/** How many distinct query bigrams there are (see {@link queryBigrams}). */
export function bigramCount(bigrams: ReadonlyMap<string, ReadonlySet<string>>): number {
  let n = 0;
  for (const set of bigrams.values()) n += set.size;
  return n / 2;
}

// The name and the description's first sentence: where a tool says what it does. Later sentences are long and
// mostly about arguments, and walking them for every candidate would cost more than it tells.
const PHRASE_FIELDS: readonly ToolField[] = ['name', 'summary'];

/** How many of the query's bigrams occur, in either order, as neighbours in the tool's name or summary. */
export function phraseMatches(
  terms: Readonly<Record<ToolField, readonly string[]>>,
  bigrams: ReadonlyMap<string, ReadonlySet<string>>,
): number {
  const found = new Set<string>();
  for (const field of PHRASE_FIELDS) {
    const sequence = terms[field];
    for (let i = 1; i < sequence.length; i++) {
      const a = sequence[i - 1]!;
      const b = sequence[i]!;
      if (bigrams.get(a)?.has(b)) found.add(a < b ? `${a} ${b}` : `${b} ${a}`);
    }
  }
  return found.size;
}
