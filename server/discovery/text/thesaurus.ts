// A general English thesaurus, the engine's model-free semantic layer: where the curated groups of synonyms.ts
// stop, a request word still reaches the words WordNet relates to it (its synonyms, the more general word it is a
// kind of, the words of its root, similar adjectives, the class of a named thing), at a low weight. "estimate"
// finds a tool that calculates, "Beijing" one that takes a city, "current" one that says "latest". The data is
// generated (generate-thesaurus.ts) from WordNet 3.0, limited to the most frequent sense of each word and to the
// words of a sentence-embedding model's vocabulary.
//
// Only request words are expanded (documents are indexed as written), and a tool that matches through the
// thesaurus alone is not a result (field-index.ts): it helps rank, it does not find. The table is parsed once
// per process, when the first index that uses it is created (about a tenth of a second), not during a search.

import { termsOfPlainWord } from './analyzer.js';
import { THESAURUS_DATA } from './thesaurus-data.js';

let table: Map<string, ReadonlySet<string>> | undefined;

function build(): Map<string, ReadonlySet<string>> {
  const map = new Map<string, Set<string>>();
  for (const line of THESAURUS_DATA.split('\n')) {
    const [word, ...related] = line.split(' ');
    // Words are stemmed as documents are, so several words may share an entry ("estimate", "estimation").
    const terms = new Set(related.flatMap(termsOfPlainWord));
    for (const key of termsOfPlainWord(word!)) {
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      for (const term of terms) if (term !== key) set.add(term);
    }
  }
  return map;
}

const NONE: ReadonlySet<string> = new Set();

/** Parses the table now rather than on the first lookup. */
export function loadThesaurus(): void {
  table ??= build();
}

/** The terms WordNet relates to a term (none: an empty set). */
export function thesaurusOf(term: string): ReadonlySet<string> {
  table ??= build();
  return table.get(term) ?? NONE;
}
