// From text to index terms. Documents and queries share this pipeline (tokenize, drop stop words, expand
// abbreviations, stem) so that their terms meet; query.ts adds what is particular to requests.

import { stem } from './stemmer.js';
import { ENGLISH_STOP_WORDS, QUERY_STOP_WORDS } from './stop-words.js';
import { ABBREVIATIONS } from './synonyms.js';
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

/**
 * The terms of one lower-case word of letters a-z: what {@link termOf} gives for it, without the tokenizer (which
 * such a word goes through unchanged). For word lists too long to tokenize word by word at start-up.
 */
export const termsOfPlainWord = (word: string): string[] =>
  word.length < 2 || ENGLISH_STOP_WORDS.has(word) ? [] : (ABBREVIATIONS[word] ?? [word]).map(stem);
