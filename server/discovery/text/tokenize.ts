// Splitting tool text into words. Tool text mixes prose with identifiers (get_current_time, getCanvasPng,
// get-36kr-trending, filesystem.read_file, HTMLParser), and some of it is Chinese or Japanese, which has no
// spaces: CJK runs become character unigrams and bigrams, the usual choice when no dictionary segmenter is at
// hand (bigrams carry most two-character words; unigrams keep single-character words and partial matches).

/** One word of a text, in order, lower-cased. `joined` marks the unsplit form of a compound identifier. */
export interface Token {
  text: string;
  kind: 'word' | 'number' | 'cjk';
  /** True for the whole of an identifier that was also emitted in parts ("getcanvaspng" after get, canvas, png). */
  joined?: boolean;
}

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30FC';
// A CJK run, or a run of letters and digits that are not CJK. Underscores, dashes, dots, slashes and spaces
// all separate words, which splits snake_case, kebab-case and dotted names.
const RUNS = new RegExp(`[${CJK}]+|(?:(?![${CJK}])[\\p{L}\\p{N}])+(?:'[\\p{L}]+)?`, 'gu');
const IS_CJK = new RegExp(`^[${CJK}]`, 'u');
// Parts of a camelCase or PascalCase word: an acronym before a capitalised word (HTML|Parser), a capitalised
// or lower-case word, an acronym, digits, then any other letters (scripts without case).
const CAMEL_PARTS = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|\p{L}+/gu;
const ASCII = /^[\x20-\x7e]*$/;
const DIACRITICS = /\p{M}+/gu;

const fold = (word: string): string =>
  ASCII.test(word) ? word.toLowerCase() : word.normalize('NFKD').replace(DIACRITICS, '').toLowerCase();

function cjkNgrams(run: string, out: Token[]): void {
  const chars = Array.from(run);
  for (let i = 0; i < chars.length; i++) {
    out.push({ text: chars[i]!, kind: 'cjk' });
    if (i + 1 < chars.length) out.push({ text: chars[i]! + chars[i + 1]!, kind: 'cjk' });
  }
}

/**
 * The words of `text`: identifiers split at case changes and letter/digit boundaries (also kept whole, marked
 * `joined`), possessive "'s" dropped, diacritics folded, CJK runs as unigrams and bigrams.
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  if (!text) return out;
  for (const match of text.normalize('NFKC').replace(/[’‘]/g, "'").matchAll(RUNS)) {
    let run = match[0];
    if (IS_CJK.test(run)) {
      cjkNgrams(run, out);
      continue;
    }
    if (run.includes("'")) {
      const lower = run.toLowerCase();
      // Contractions stay whole so stop-word lists can name them ("don't"); other apostrophes are dropped.
      if (/'(?:t|re|ve|ll|d|m)$/.test(lower)) {
        out.push({ text: lower, kind: 'word' });
        continue;
      }
      run = run.replace(/'s$/i, '').replace(/'/g, '');
    }
    const parts = run.match(CAMEL_PARTS) ?? [run];
    for (const part of parts) out.push({ text: fold(part), kind: /^\p{N}+$/u.test(part) ? 'number' : 'word' });
    if (parts.length > 1) out.push({ text: fold(run), kind: 'word', joined: true });
  }
  return out;
}
