// From text to index terms, and from a query to weighted concepts. Documents and queries share one pipeline
// (tokenize, drop stop words, expand abbreviations, stem) so that their terms meet; queries additionally drop
// the words of requests ("please help me use a tool to ...") and carry related words at a lower weight.

import { stem } from './stemmer.js';
import { ENGLISH_STOP_WORDS, QUERY_STOP_WORDS } from './stop-words.js';
import { ABBREVIATIONS, RELATED_WORDS } from './synonyms.js';
import { tokenize } from './tokenize.js';

/** One index term and the word of the text it came from. */
export interface Term {
  term: string;
  word: string;
  /** The whole of a split identifier ("openstreetmap"); the parts are terms of their own. */
  joined?: boolean;
}

// Numbers of one or two digits in a request are nearly always arguments ("top 5", "10th line"), not words
// that name a tool; longer ones (12306, 2048) may be names.
const MIN_NUMBER_LENGTH = 3;

/** Index terms of `text`, in order: what documents are made of. `queryStopWords` also drops request words. */
export function analyze(text: string, { queryStopWords = false } = {}): Term[] {
  const out: Term[] = [];
  for (const token of tokenize(text)) {
    if (token.kind === 'cjk') {
      out.push({ term: token.text, word: token.text });
      continue;
    }
    if (token.kind === 'number') {
      if (token.text.length >= MIN_NUMBER_LENGTH) out.push({ term: token.text, word: token.text });
      continue;
    }
    const word = token.text;
    if (word.length < 2 || ENGLISH_STOP_WORDS.has(word)) continue;
    if (queryStopWords && QUERY_STOP_WORDS.has(word)) continue;
    for (const full of ABBREVIATIONS[word] ?? [word]) {
      const term: Term = { term: stem(full), word };
      if (token.joined) term.joined = true;
      out.push(term);
    }
  }
  return out;
}

/** The stemmed term of a single word, as documents would index it. */
export const termOf = (word: string): string[] => analyze(word).map((t) => t.term);

let related: Map<string, ReadonlySet<string>> | undefined;

/** Stem -> the stems of its related words (see RELATED_WORDS), built once. */
function relatedTerms(): Map<string, ReadonlySet<string>> {
  if (related) return related;
  const map = new Map<string, Set<string>>();
  for (const group of RELATED_WORDS) {
    const stems = [...new Set(group.flatMap(termOf))];
    for (const s of stems) {
      let set = map.get(s);
      if (!set) map.set(s, (set = new Set()));
      for (const other of stems) if (other !== s) set.add(other);
    }
  }
  related = map;
  return map;
}

/** The stems related to a stem (no entry: none). */
export const relatedTo = (term: string): ReadonlySet<string> => relatedTerms().get(term) ?? new Set();

/** One alternative spelling of a query concept and how much a match on it counts (1 for the word itself). */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/**
 * One thing the query asks for: a word of the query, with the terms that count as matching it. `optional`
 * concepts (the whole of a split identifier) add to a score but are not required for full coverage.
 */
export interface QueryConcept {
  word: string;
  term: string;
  terms: WeightedTerm[];
  /** How often the concept occurs in the query. */
  count: number;
  optional: boolean;
}

export interface QueryAnalysisOptions {
  /** Weight of related words relative to the word itself; 0 turns expansion off. */
  synonymWeight?: number;
}

/** The concepts of a query: its terms without request words, each with its related words at a lower weight. */
export function analyzeQuery(query: string, options: QueryAnalysisOptions = {}): QueryConcept[] {
  return conceptsOf(analyze(query, { queryStopWords: true }), options);
}

/** The concepts of already analysed query terms (see {@link analyzeQuery}). */
export function conceptsOf(
  queryTerms: readonly Term[],
  { synonymWeight = 0.5 }: QueryAnalysisOptions = {},
): QueryConcept[] {
  const concepts = new Map<string, QueryConcept>();
  for (const { term, word, joined } of queryTerms) {
    const existing = concepts.get(term);
    if (existing) {
      existing.count++;
      if (!joined) existing.optional = false;
      continue;
    }
    const terms: WeightedTerm[] = [{ term, weight: 1 }];
    if (synonymWeight > 0) for (const other of relatedTo(term)) terms.push({ term: other, weight: synonymWeight });
    concepts.set(term, { word, term, terms, count: 1, optional: joined === true });
  }
  return [...concepts.values()];
}
