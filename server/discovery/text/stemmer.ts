// The Porter stemmer (M.F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980), written from the
// paper with the two departures of Porter's own reference implementation: step 2 maps "bli" (not "abli") to
// "ble" and has "logi" -> "log". Porter rather than Porter2/Snowball: it is small, well known and its output is
// only ever compared with itself (documents and queries go through the same function).

const isVowelAt = (w: string, i: number): boolean => {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return true;
  // "y" is a vowel after a consonant (sky, happy) and a consonant at the start or after a vowel (yes, toy).
  return c === 'y' && i > 0 && !isVowelAt(w, i - 1);
};

/** m in the paper: the number of vowel-consonant sequences in `stem` ([C](VC)^m[V]). */
function measure(stem: string): number {
  let m = 0;
  let i = 0;
  const n = stem.length;
  while (i < n && !isVowelAt(stem, i)) i++;
  while (i < n) {
    while (i < n && isVowelAt(stem, i)) i++;
    if (i >= n) break;
    while (i < n && !isVowelAt(stem, i)) i++;
    m++;
  }
  return m;
}

const hasVowel = (stem: string): boolean => {
  for (let i = 0; i < stem.length; i++) if (isVowelAt(stem, i)) return true;
  return false;
};

const endsDoubleConsonant = (w: string): boolean =>
  w.length >= 2 && w[w.length - 1] === w[w.length - 2] && !isVowelAt(w, w.length - 1);

/** *o in the paper: ends consonant-vowel-consonant, the last consonant not w, x or y (hop, not snow). */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n < 3) return false;
  if (isVowelAt(w, n - 1) || !isVowelAt(w, n - 2) || isVowelAt(w, n - 3)) return false;
  const last = w[n - 1];
  return last !== 'w' && last !== 'x' && last !== 'y';
}

/**
 * The first rule whose suffix `w` ends with decides: it is applied when its stem passes `condition`, and no
 * other rule of the step is tried either way (as in the paper, where the longest matching suffix is taken).
 */
function applyRules(w: string, rules: ReadonlyArray<readonly [string, string]>, condition: (stem: string) => boolean) {
  for (const [suffix, replacement] of rules) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.slice(0, w.length - suffix.length);
    return condition(stem) ? stem + replacement : w;
  }
  return w;
}

function step1ab(w: string): string {
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);

  if (w.endsWith('eed')) return measure(w.slice(0, -3)) > 0 ? w.slice(0, -1) : w;
  let stem: string | undefined;
  if (w.endsWith('ed')) stem = w.slice(0, -2);
  else if (w.endsWith('ing')) stem = w.slice(0, -3);
  if (stem === undefined || !hasVowel(stem)) return w;
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) return `${stem}e`;
  if (endsDoubleConsonant(stem) && !/[lsz]$/.test(stem)) return stem.slice(0, -1);
  if (measure(stem) === 1 && endsCvc(stem)) return `${stem}e`;
  return stem;
}

const step1c = (w: string): string => (w.endsWith('y') && hasVowel(w.slice(0, -1)) ? `${w.slice(0, -1)}i` : w);

const STEP2: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
];

const STEP3: ReadonlyArray<readonly [string, string]> = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];

const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
]
  // Longest first, so that "ement" is the suffix considered for "replacement", not "ent".
  .sort((a, b) => b.length - a.length)
  .map((suffix) => [suffix, ''] as const);

function step4(w: string): string {
  return applyRules(w, STEP4, (stem) => {
    if (measure(stem) <= 1) return false;
    // "ion" goes only after s or t (adoption -> adopt, but not onion -> on).
    return !w.endsWith('ion') || stem.endsWith('s') || stem.endsWith('t');
  });
}

function step5(w: string): string {
  if (w.endsWith('e')) {
    const stem = w.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) w = stem;
  }
  if (w.endsWith('ll') && measure(w) > 1) w = w.slice(0, -1);
  return w;
}

// Words the suffix rules get wrong in ways that matter for tool text, from the exception list of Porter's
// later English (Porter2) stemmer: "news" must not become "new" (a synonym of "create"), nor "bias" "bia".
// Porter2 also keeps "general" and "generic" apart from "generate" (and "community" from "communication") by
// its special prefixes; and a "customer" (a CRM's) is not "custom" nor "customize".
const EXCEPTIONS: Readonly<Record<string, string>> = {
  news: 'news',
  bias: 'bias',
  atlas: 'atlas',
  cosmos: 'cosmos',
  sky: 'sky',
  skies: 'sky',
  dying: 'die',
  lying: 'lie',
  tying: 'tie',
  general: 'general',
  generally: 'general',
  generic: 'generic',
  generics: 'generic',
  community: 'community',
  communities: 'community',
  customer: 'customer',
  customers: 'customer',
};

const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/**
 * The Porter stem of a lower-case ASCII word ("searching" -> "search", "repositories" -> "repositori").
 * Words of one or two letters and words with anything but a-z are returned as they are.
 */
export function stem(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  const hit = EXCEPTIONS[word] ?? cache.get(word);
  if (hit !== undefined) return hit;
  let w = step1ab(word);
  w = step1c(w);
  w = applyRules(w, STEP2, (s) => measure(s) > 0);
  w = applyRules(w, STEP3, (s) => measure(s) > 0);
  w = step4(w);
  w = step5(w);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, w);
  return w;
}
