// Splitting tool text into words. Tool text mixes prose with identifiers (get_current_time, getCanvasPng,
// get-36kr-trending, filesystem.read_file, HTMLParser), and some of it is Chinese or Japanese, which has no
// spaces: CJK runs become character unigrams and bigrams, the usual choice when no dictionary segmenter is at
// hand (bigrams carry most two-character words; unigrams keep single-character words and partial matches).
// Words of three or more characters that the glossary knows (数据库 database, 搜索引擎) are no n-gram: they are
// found inside a run by longest match from the left and emitted whole as well, so that they can be translated.

import { CHINESE_GLOSSARY } from './chinese-glossary.js';
import { CHINESE_EQUIVALENTS } from './synonyms.js';

/** One word of a text, in order, lower-cased. `joined` marks the unsplit form of a compound identifier. */
export interface Token {
  text: string;
  kind: 'word' | 'number' | 'cjk';
  /** True for the whole of an identifier that was also emitted in parts ("getcanvaspng" after get, canvas, png). */
  joined?: boolean;
}

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30FC';
// Runs of letters and digits (with an apostrophe suffix). Underscores, dashes, dots, slashes and spaces all
// separate words, which splits snake_case, kebab-case and dotted names. A run is then cut into CJK and other
// pieces (matching those directly, with a lookahead per character, is several times slower).
const RUNS = /[\p{L}\p{N}]+(?:'\p{L}+)?/gu;
const CJK_PIECES = new RegExp(`[${CJK}]+|[^${CJK}]+`, 'gu');
const HAS_CJK = new RegExp(`[${CJK}]`, 'u');
const IS_CJK = new RegExp(`^[${CJK}]`, 'u');
// Base64, hashes and keys pasted into a request split into dozens of fragments that are not words. A long
// stretch without spaces, with digits, whose camelCase/digit parts average under five characters is such a
// blob, and skipped (URLs, paths and long identifiers have longer parts or no digits).
const BLOB_MIN_LENGTH = 32;
const BLOB_MAX_PART_LENGTH = 5;
const LONG_CHUNKS = new RegExp(`\\S{${BLOB_MIN_LENGTH},}`, 'gu');

// Parts of a camelCase or PascalCase word: an acronym before a capitalised word (HTML|Parser), a capitalised
// or lower-case word, an acronym, digits, then any other letters (scripts without case).
const CAMEL_PARTS = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|\p{L}+/gu;

const isBlob = (chunk: string): boolean => {
  if (!/\d/.test(chunk)) return false; // paths and prose have short parts too, but rarely digits between them
  const parts = chunk.match(CAMEL_PARTS)?.length ?? 0;
  return parts > 0 && chunk.length < parts * BLOB_MAX_PART_LENGTH;
};

const ORDINAL_SUFFIXES: ReadonlySet<string> = new Set(['st', 'nd', 'rd', 'th']);
const ASCII = /^[\x20-\x7e]*$/;
const DIACRITICS = /\p{M}+/gu;

/** Whether an index term is CJK text (a character unigram or bigram). */
export const isCjkTerm = (term: string): boolean => IS_CJK.test(term);

const fold = (word: string): string =>
  ASCII.test(word) ? word.toLowerCase() : word.normalize('NFKD').replace(DIACRITICS, '').toLowerCase();

interface Lexicon {
  words: ReadonlySet<string>;
  /** Length in characters of the longest word. */
  longest: number;
}
let lexicon: Lexicon | undefined;

/** The CJK words of the glossary and of the Chinese equivalents (two characters or more), built on first use. */
function cjkLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const words = new Set<string>();
  for (const word of [...Object.keys(CHINESE_GLOSSARY), ...CHINESE_EQUIVALENTS.flat()])
    if (IS_CJK.test(word) && Array.from(word).length >= 2) words.add(word);
  let longest = 0;
  for (const word of words) longest = Math.max(longest, Array.from(word).length);
  return (lexicon = { words, longest });
}

/**
 * The known words of three or more characters in a CJK run, by position: forward maximum matching, where the
 * longest known word starting at a character is taken and the next is looked for after it (a known word of two
 * characters is stepped over too, so 获取数据库 is 获取|数据库; those are bigrams already).
 */
function longWordsOf(chars: readonly string[]): Map<number, string> {
  const found = new Map<number, string>();
  const { words, longest } = cjkLexicon();
  for (let i = 0; i < chars.length - 1;) {
    let length = Math.min(longest, chars.length - i);
    let word = '';
    for (; length >= 2; length--) {
      word = chars.slice(i, i + length).join('');
      if (words.has(word)) break;
    }
    if (length >= 3) found.set(i, word);
    i += length >= 2 ? length : 1;
  }
  return found;
}

function cjkNgrams(run: string, out: Token[]): void {
  const chars = Array.from(run);
  const long = chars.length >= 3 ? longWordsOf(chars) : undefined;
  for (let i = 0; i < chars.length; i++) {
    out.push({ text: chars[i]!, kind: 'cjk' });
    if (i + 1 < chars.length) out.push({ text: chars[i]! + chars[i + 1]!, kind: 'cjk' });
    const word = long?.get(i);
    if (word) out.push({ text: word, kind: 'cjk' });
  }
}

/**
 * The words of `text`: identifiers split at case changes and letter/digit boundaries (also kept whole, marked
 * `joined`), possessive "'s" dropped, diacritics folded, CJK runs as unigrams and bigrams (and the longer
 * glossary words in them).
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  if (!text) return out;
  const normalized = text
    .normalize('NFKC')
    .replace(/[’‘]/g, "'")
    .replace(LONG_CHUNKS, (chunk) => (isBlob(chunk) ? ' ' : chunk));
  for (const match of normalized.matchAll(RUNS)) {
    if (!HAS_CJK.test(match[0])) {
      words(match[0], out);
      continue;
    }
    for (const piece of match[0].match(CJK_PIECES) ?? []) {
      if (IS_CJK.test(piece)) cjkNgrams(piece, out);
      else words(piece, out);
    }
  }
  return out;
}

/** The words of a run of letters and digits with no CJK in it. */
function words(run: string, out: Token[]): void {
  if (run.includes("'")) {
    const lower = run.toLowerCase();
    // Contractions stay whole so stop-word lists can name them ("don't"); other apostrophes are dropped.
    if (/'(?:t|re|ve|ll|d|m)$/.test(lower)) {
      out.push({ text: lower, kind: 'word' });
      return;
    }
    run = run.replace(/'s$/i, '').replace(/'/g, '');
  }
  const parts = run.match(CAMEL_PARTS) ?? [run];
  if (run.length >= BLOB_MIN_LENGTH && isBlob(run)) return;
  parts.forEach((part, i) => {
    const isNumber = /^\p{N}+$/u.test(part);
    // The suffix of an ordinal ("10th", "2nd") is not a word.
    if (i > 0 && ORDINAL_SUFFIXES.has(part.toLowerCase()) && /^\p{N}+$/u.test(parts[i - 1]!)) return;
    out.push({ text: fold(part), kind: isNumber ? 'number' : 'word' });
  });
  if (parts.length > 1) out.push({ text: fold(run), kind: 'word', joined: true });
}
