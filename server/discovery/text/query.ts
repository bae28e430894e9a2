// From a request to weighted concepts: its words without the words of requests ("please help me use a tool
// to ..."), what its paths and URLs imply, and for each word the related words that may stand for it.

import { analyze, type Term } from './analyzer.js';
import { relatedTo } from './related.js';
import { thesaurusOf } from './thesaurus.js';
import { isCjkTerm } from './tokenize.js';

/** A term that counts as matching a query concept, and how much (1 for the word itself). */
export interface WeightedTerm {
  term: string;
  weight: number;
  /** Why the term counts: a related word, or a spelling correction of a word no tool has. */
  via?: 'related' | 'spelling' | 'thesaurus';
}

/**
 * One thing the query asks for: a word of the query, with the terms that count as matching it. `optional`
 * concepts (the whole of a split identifier, what a path implies) add to a score but are not required for
 * full coverage.
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
  /** Weight of the words the thesaurus relates to a query word (thesaurus.ts); 0 turns it off. */
  thesaurusWeight?: number;
  /**
   * Weight of a related word in the other language (English ~ Chinese, from the glossary and the Chinese
   * equivalents); 0 turns it off. Defaults to the synonym weight.
   */
  translationWeight?: number;
}

// What a request implies without saying it: a path or a file name means a file is involved, and its extension
// the kind of file (".xlsx" is Excel); a URL means a web page. These are added as optional concepts, a bonus
// that coverage does not require. The paths and URLs stay in the text: their folder and domain names often say
// what is involved (/root/excel/, github.com).
const FILE_PATH = /(?<=^|[\s"'(=])(?:~|\.{1,2})?\/[^\s"')]+|\b[a-z]:\\[^\s"')]+/gi;
const FILE_NAME =
  /\b[\w-]+\.(?:txt|md|markdown|pdf|docx?|xlsx?|csv|tsv|json|ya?ml|toml|xml|html?|png|jpe?g|gif|svg|webp|mp3|wav|mp4|mov|zip|tar|gz|log|py|js|ts|bib|pptx?)\b/gi;
const URL_PATTERN = /\bhttps?:\/\/[^\s"')]+/gi;
const EXTENSION = /\.([a-z0-9]{1,8})$/i;

/** Terms implied by the paths, file names and URLs of a request (see above). */
export function impliedTerms(query: string): Term[] {
  const words = new Set<string>();
  const withoutUrls = query.replace(URL_PATTERN, () => {
    words.add('url');
    return ' ';
  });
  for (const [file] of [...withoutUrls.matchAll(FILE_PATH), ...withoutUrls.matchAll(FILE_NAME)]) {
    words.add('file');
    const extension = EXTENSION.exec(file)?.[1];
    if (extension) words.add(extension);
  }
  return [...words].flatMap((word) => analyze(word).map((t) => ({ ...t, implied: true })));
}

/** The terms of a request: its words without request words, then the terms it implies. */
export const queryTermsOf = (query: string): Term[] => [
  ...analyze(query, { queryStopWords: true }),
  ...impliedTerms(query),
];

/** The concepts of a query: its terms without request words, each with its related words at a lower weight. */
export function analyzeQuery(query: string, options: QueryAnalysisOptions = {}): QueryConcept[] {
  return conceptsOf(queryTermsOf(query), options);
}

/** The concepts of already analysed query terms (see {@link analyzeQuery}). */
export function conceptsOf(
  queryTerms: readonly Term[],
  { synonymWeight = 0.5, thesaurusWeight = 0, translationWeight = synonymWeight }: QueryAnalysisOptions = {},
): QueryConcept[] {
  const concepts = new Map<string, QueryConcept>();
  for (const { term, word, joined, implied } of queryTerms) {
    const optional = joined === true || implied === true;
    const existing = concepts.get(term);
    if (existing) {
      if (!implied) existing.count++;
      if (!optional) existing.optional = false;
      continue;
    }
    const terms: WeightedTerm[] = [{ term, weight: 1 }];
    for (const other of relatedTo(term)) {
      // A translation names the same thing as the word, where a related word of the same language only may.
      const weight = isCjkTerm(term) !== isCjkTerm(other) ? translationWeight : synonymWeight;
      if (weight > 0) terms.push({ term: other, weight, via: 'related' });
    }
    // What a path or URL implies is already a general word; the thesaurus is for what the request says.
    if (thesaurusWeight > 0 && !implied)
      for (const other of thesaurusOf(term))
        if (!terms.some((t) => t.term === other))
          terms.push({ term: other, weight: thesaurusWeight, via: 'thesaurus' });
    concepts.set(term, { word, term, terms, count: 1, optional });
  }
  return [...concepts.values()];
}
