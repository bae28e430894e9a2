// The Porter stemmer against the examples of Porter's paper, step by step, run through the whole algorithm.
import test from 'ava';
import { stem } from '../../../server/discovery/text/stemmer.js';

const cases: Array<[string, string]> = [
  // Step 1a and 1b
  ['caresses', 'caress'],
  ['ponies', 'poni'],
  ['ties', 'ti'],
  ['caress', 'caress'],
  ['cats', 'cat'],
  ['feed', 'feed'],
  ['agreed', 'agre'],
  ['plastered', 'plaster'],
  ['bled', 'bled'],
  ['motoring', 'motor'],
  ['sing', 'sing'],
  ['conflated', 'conflat'],
  ['troubled', 'troubl'],
  ['sized', 'size'],
  ['hopping', 'hop'],
  ['tanned', 'tan'],
  ['falling', 'fall'],
  ['hissing', 'hiss'],
  ['fizzed', 'fizz'],
  ['failing', 'fail'],
  ['filing', 'file'],
  // Step 1c
  ['happy', 'happi'],
  // Step 2
  ['relational', 'relat'],
  ['conditional', 'condit'],
  ['rational', 'ration'],
  ['digitizer', 'digit'],
  ['radicalli', 'radic'],
  ['differentli', 'differ'],
  ['vietnamization', 'vietnam'],
  ['predication', 'predic'],
  ['operator', 'oper'],
  ['feudalism', 'feudal'],
  ['decisiveness', 'decis'],
  ['hopefulness', 'hope'],
  ['callousness', 'callous'],
  ['formaliti', 'formal'],
  ['sensitiviti', 'sensit'],
  // Step 3
  ['triplicate', 'triplic'],
  ['formative', 'form'],
  ['formalize', 'formal'],
  ['electrical', 'electr'],
  ['hopeful', 'hope'],
  ['goodness', 'good'],
  // Step 4
  ['revival', 'reviv'],
  ['allowance', 'allow'],
  ['inference', 'infer'],
  ['airliner', 'airlin'],
  ['adjustable', 'adjust'],
  ['defensible', 'defens'],
  ['replacement', 'replac'],
  ['adjustment', 'adjust'],
  ['dependent', 'depend'],
  ['adoption', 'adopt'],
  ['communism', 'commun'],
  ['activate', 'activ'],
  ['effective', 'effect'],
  ['bowdlerize', 'bowdler'],
  // Step 5
  ['probate', 'probat'],
  ['rate', 'rate'],
  ['cease', 'ceas'],
  ['controll', 'control'],
  ['roll', 'roll'],
  // Words of tool text
  ['generalization', 'gener'],
  ['searching', 'search'],
  ['repositories', 'repositori'],
  ['repository', 'repositori'],
];

for (const [word, expected] of cases) {
  test(`${word} -> ${expected}`, (t) => {
    t.is(stem(word), expected);
  });
}

test('inflections of one word share a stem', (t) => {
  for (const group of [
    ['connect', 'connected', 'connecting', 'connection', 'connections'],
    ['search', 'searches', 'searching', 'searched'],
    ['file', 'files', 'filing'],
  ])
    t.is(new Set(group.map(stem)).size, 1, group.join(', '));
});

test('exceptions keep words the rules would confuse apart', (t) => {
  t.is(stem('news'), 'news');
  t.not(stem('news'), stem('new'));
  t.is(stem('bias'), 'bias');
  t.is(stem('skies'), 'sky');
  // Porter alone gives "gener" for all three, "commun" for both and "custom" for all three.
  t.not(stem('general'), stem('generate'));
  t.not(stem('generic'), stem('generate'));
  t.not(stem('community'), stem('communication'));
  t.is(stem('customers'), stem('customer'));
  t.not(stem('customer'), stem('customize'));
});

test('short words and words with other characters are left alone', (t) => {
  t.is(stem('is'), 'is');
  t.is(stem('mp3'), 'mp3');
  t.is(stem('café'), 'café');
  t.is(stem('12306'), '12306');
});
