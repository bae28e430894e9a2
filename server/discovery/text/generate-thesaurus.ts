// Writes thesaurus-data.ts from WordNet 3.0 and a tokenizer vocabulary (see thesaurus.ts for what it is for):
//
//   node dist/server/discovery/text/generate-thesaurus.js /usr/share/wordnet \
//     ../shared/models/all-MiniLM-L6-v2-tokenizer/vocab.txt > server/discovery/text/thesaurus-data.ts
//
// WordNet's database files come with Debian's `wordnet-base` package. The vocabulary is a WordPiece vocab.txt,
// one token per line; its whole lower-case words of three letters or more are the words kept, on both sides: a
// sentence-embedding model's vocabulary is a list of the ~20k words that English text commonly uses, and it keeps
// WordNet's rare words and senses out of the table.
//
// For each kept word and each part of speech, its most frequent sense (WordNet's index files list the senses of
// a word by how often they were tagged in its corpus) gives four kinds of related word: the other words of that
// sense (synonyms: estimate ~ guess), the words of the sense it is a kind of (hypernyms: budget ~ calculate,
// hotel ~ building), the words derived from the same root (derivations: analyze ~ analysis) and, for adjectives,
// the similar adjectives (current ~ latest, nearby ~ close). Multi-word entries ("look_up") are left out: queries
// and documents are matched word by word.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const POS = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' } as const;
type Pos = keyof typeof POS;
const WORD = /^[a-z]{3,}$/;

interface Synset {
  words: string[];
  pointers: Array<{ symbol: string; offset: string; pos: Pos }>;
}

const lines = (file: string) => readFileSync(file, 'latin1').split('\n');
// License and comment lines start with two spaces.
const isData = (line: string) => line !== '' && !line.startsWith('  ');
// Adjective lemmas may carry a syntactic marker: "galore(ip)".
const lemma = (word: string) => word.toLowerCase().replace(/\([a-z]+\)$/, '');

/** data.<pos>: offset -> its words and pointers (wndb(5WN)). */
function readSynsets(dir: string, pos: Pos): Map<string, Synset> {
  const out = new Map<string, Synset>();
  for (const line of lines(join(dir, `data.${POS[pos]}`))) {
    if (!isData(line)) continue;
    const fields = line.split(' | ')[0]!.split(' ');
    const wordCount = parseInt(fields[3]!, 16);
    const words = Array.from({ length: wordCount }, (_, i) => lemma(fields[4 + 2 * i]!));
    let at = 4 + 2 * wordCount;
    const pointerCount = Number(fields[at++]);
    const pointers: Synset['pointers'] = [];
    for (let i = 0; i < pointerCount; i++, at += 4) {
      const symbol = fields[at]!;
      const target = fields[at + 2]!;
      pointers.push({ symbol, offset: fields[at + 1]!, pos: (target === 's' ? 'a' : target) as Pos });
    }
    out.set(fields[0]!, { words, pointers });
  }
  return out;
}

/** index.<pos>: lemma -> the offset of its most frequent sense. */
function readFirstSenses(dir: string, pos: Pos): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines(join(dir, `index.${POS[pos]}`))) {
    if (!isData(line)) continue;
    const fields = line.trim().split(' ');
    const pointerCount = Number(fields[3]);
    out.set(fields[0]!, fields[4 + pointerCount + 2]!);
  }
  return out;
}

function main(): void {
  const [dir, vocabFile] = process.argv.slice(2);
  if (!dir || !vocabFile) throw new Error('usage: generate-thesaurus <wordnet dict dir> <vocab.txt>');
  const vocabulary = new Set(lines(vocabFile).filter((word) => WORD.test(word)));
  const synsets = new Map(Object.keys(POS).map((pos) => [pos as Pos, readSynsets(dir, pos as Pos)]));
  const related = new Map<string, Set<string>>();
  for (const pos of Object.keys(POS) as Pos[]) {
    for (const [word, offset] of readFirstSenses(dir, pos)) {
      if (!vocabulary.has(word)) continue;
      const sense = synsets.get(pos)!.get(offset)!;
      const found = [...sense.words];
      for (const { symbol, offset: target, pos: targetPos } of sense.pointers) {
        const isHypernym = (symbol === '@' || symbol === '@i') && targetPos === pos;
        const targetSense = synsets.get(targetPos)!.get(target)!;
        if (isHypernym || symbol === '+' || symbol === '&') found.push(...targetSense.words);
        // A named thing (Beijing, Nvidia) is an instance of a class whose name is often a compound
        // ("national_capital"): the class's own hypernyms name it in words ("city").
        if (symbol === '@i')
          for (const up of targetSense.pointers)
            if (up.symbol === '@') found.push(...synsets.get(up.pos)!.get(up.offset)!.words);
      }
      let set = related.get(word);
      if (!set) related.set(word, (set = new Set()));
      for (const other of found) if (other !== word && vocabulary.has(other)) set.add(other);
    }
  }
  const rows = [...related]
    .filter(([, set]) => set.size > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([word, set]) => [word, ...set].join(' '));
  const license = lines(join(dir, 'data.noun'))
    .slice(0, 29)
    .map((line) => line.replace(/^\s*\d+\s?/, '').trimEnd())
    .filter((line, i, all) => line !== '' || (i > 0 && all[i - 1] !== ''));
  const out = [
    '// Generated by generate-thesaurus.ts from WordNet 3.0 and the MiniLM tokenizer vocabulary: do not edit.',
    '// One line per word: the word, then its related words. WordNet is used under its license:',
    '//',
    ...license.map((line) => `// ${line}`.trimEnd()),
    '',
    '/** Lines of `word related related ...` (see thesaurus.ts). */',
    `export const THESAURUS_DATA = \`${rows.join('\n')}\`;`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main();
