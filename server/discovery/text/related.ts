// Related words as index terms: the groups of synonyms.ts, stemmed like documents, as a lookup from a term to
// the terms it may stand for at a lower weight.

import { termOf } from './analyzer.js';
import { CHINESE_EQUIVALENTS, RELATED_WORDS } from './synonyms.js';

let related: Map<string, ReadonlySet<string>> | undefined;

// A plain word of a group is analysed as documents are (stemmed, abbreviations expanded). Anything else is one
// index term as written: CJK words (CJK text is indexed as unigrams and bigrams, and the groups hold words of
// one or two characters) and letter-digit words like "mp3", whose whole form the tokenizer keeps.
const groupTerms = (word: string): string[] => (/^[a-z]+$/.test(word) ? termOf(word) : [word]);

/** Term -> the terms of its related words (RELATED_WORDS and CHINESE_EQUIVALENTS), built on first use. */
function relatedTerms(): Map<string, ReadonlySet<string>> {
  if (related) return related;
  const map = new Map<string, Set<string>>();
  for (const group of [...RELATED_WORDS, ...CHINESE_EQUIVALENTS]) {
    const terms = [...new Set(group.flatMap(groupTerms))];
    for (const term of terms) {
      let set = map.get(term);
      if (!set) map.set(term, (set = new Set()));
      for (const other of terms) if (other !== term) set.add(other);
    }
  }
  related = map;
  return map;
}

const NONE: ReadonlySet<string> = new Set();

/** The terms related to a term (none: an empty set). */
export const relatedTo = (term: string): ReadonlySet<string> => relatedTerms().get(term) ?? NONE;
