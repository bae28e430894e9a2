// Related words as index terms: the groups of synonyms.ts and the Chinese glossary, stemmed like documents, as a
// lookup from a term to the terms it may stand for at a lower weight.

import { termOf } from './analyzer.js';
import { CHINESE_GLOSSARY } from './chinese-glossary.js';
import { CHINESE_EQUIVALENTS, RELATED_WORDS } from './synonyms.js';

let related: Map<string, ReadonlySet<string>> | undefined;

// A plain word of a group is analysed as documents are (stemmed, abbreviations expanded). Anything else is one
// index term as written: CJK words (CJK text is indexed as unigrams and bigrams, and the tokenizer also emits
// the longer words of the glossary found in it) and letter-digit words like "mp3", whose whole form it keeps.
const groupTerms = (word: string): string[] => (/^[a-z]+$/.test(word) ? termOf(word) : [word]);

/**
 * Term -> the terms of its related words, built on first use: the words of its groups (RELATED_WORDS and
 * CHINESE_EQUIVALENTS), and between a Chinese word of the glossary and each of its English meanings (two
 * meanings of one word are not related through it: 数据 is "data", 信息 "information", but data is not
 * information).
 */
function relatedTerms(): Map<string, ReadonlySet<string>> {
  if (related) return related;
  const map = new Map<string, Set<string>>();
  const relate = (a: string, b: string) => {
    if (a === b) return;
    let set = map.get(a);
    if (!set) map.set(a, (set = new Set()));
    set.add(b);
  };
  for (const group of [...RELATED_WORDS, ...CHINESE_EQUIVALENTS]) {
    const terms = [...new Set(group.flatMap(groupTerms))];
    for (const term of terms) for (const other of terms) relate(term, other);
  }
  for (const [chinese, meanings] of Object.entries(CHINESE_GLOSSARY)) {
    for (const english of new Set(meanings.flatMap(groupTerms))) {
      relate(english, chinese);
      relate(chinese, english);
    }
  }
  related = map;
  return map;
}

const NONE: ReadonlySet<string> = new Set();

/** The terms related to a term (none: an empty set). */
export const relatedTo = (term: string): ReadonlySet<string> => relatedTerms().get(term) ?? NONE;
