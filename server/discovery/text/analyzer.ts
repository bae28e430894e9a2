// From text to index terms, and from a query to weighted concepts. Documents and queries share one pipeline
// (tokenize, drop stop words, expand abbreviations, stem) so that their terms meet; queries additionally drop
// the words of requests ("please help me use a tool to ...") and carry related words at a lower weight.

import { stem } from './stemmer.js';
import { ENGLISH_STOP_WORDS, QUERY_STOP_WORDS } from './stop-words.js';
import { ABBREVIATIONS, CHINESE_EQUIVALENTS, RELATED_WORDS } from './synonyms.js';
import { tokenize } from './tokenize.js';

/** One index term and the word of the text it came from. */
export interface Term {
  term: string;
  word: string;
  /** The whole of a split identifier ("openstreetmap"); the parts are terms of their own. */
  joined?: boolean;
  /** Not written in the text but implied by it (a file path implies "file"). */
  implied?: boolean;
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

// A CJK word of a synonym group is one index term: CJK text is indexed as unigrams and bigrams, and the
// groups hold words of one or two characters only.
const groupTerms = (word: string): string[] => (/^[\x00-\x7f]*$/.test(word) ? termOf(word) : [word]);

/** Stem -> the stems of its related words (RELATED_WORDS and CHINESE_EQUIVALENTS), built once. */
function relatedTerms(): Map<string, ReadonlySet<string>> {
  if (related) return related;
  const map = new Map<string, Set<string>>();
  for (const group of [...RELATED_WORDS, ...CHINESE_EQUIVALENTS]) {
    const stems = [...new Set(group.flatMap(groupTerms))];
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
  const words: string[] = [];
  const withoutUrls = query.replace(URL_PATTERN, () => {
    words.push('url');
    return ' ';
  });
  for (const [file] of [...withoutUrls.matchAll(FILE_PATH), ...withoutUrls.matchAll(FILE_NAME)])
    words.push('file', EXTENSION.exec(file)?.[1] ?? '');
  return words.flatMap((word) => analyze(word).map((t) => ({ ...t, implied: true })));
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
  { synonymWeight = 0.5 }: QueryAnalysisOptions = {},
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
    if (synonymWeight > 0) for (const other of relatedTo(term)) terms.push({ term: other, weight: synonymWeight });
    concepts.set(term, { word, term, terms, count: 1, optional });
  }
  return [...concepts.values()];
}
