// Typos in requests ("caculate", "treendings") find nothing in an inverted index. Words the index does not
// know are matched to known words one edit away (two for long words): insertions, deletions, substitutions and
// swaps of neighbours (optimal string alignment distance). Candidates are looked up by first letter and length,
// so a lookup compares a few hundred words, not the whole vocabulary; typos in the first letter are rare.

/** Optimal string alignment distance of `a` and `b`, or `max + 1` as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** The edits allowed for a word of this length: none below 5 letters, one up to 7, two from 8. */
export const allowedEdits = (length: number): number => (length < 5 ? 0 : length < 8 ? 1 : 2);

/** A vocabulary of lower-case words bucketed by first letter and length, for {@link SpellingIndex.suggest}. */
export class SpellingIndex {
  private readonly buckets = new Map<string, string[]>();

  constructor(words: Iterable<string>) {
    for (const word of words) {
      if (word.length < 4 || !/^[a-z]+$/.test(word)) continue;
      const key = word[0]! + word.length;
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = []));
      bucket.push(word);
    }
  }

  /** Known words within the allowed edits of `word`, nearest first (ties: by `rank`, higher first). */
  suggest(word: string, rank: (candidate: string) => number, limit = 2): string[] {
    const max = allowedEdits(word.length);
    if (max === 0 || !/^[a-z]+$/.test(word)) return [];
    const found: Array<{ candidate: string; distance: number; rank: number }> = [];
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const candidate of this.buckets.get(word[0]! + length) ?? []) {
        const distance = editDistance(word, candidate, max);
        if (distance <= max) found.push({ candidate, distance, rank: rank(candidate) });
      }
    }
    return found
      .sort((a, b) => a.distance - b.distance || b.rank - a.rank)
      .slice(0, limit)
      .map((f) => f.candidate);
  }
}
