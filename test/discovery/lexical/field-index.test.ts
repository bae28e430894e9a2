// BM25F itself, on documents small enough to reason about by hand.
import test from 'ava';
import { lengthOfTerm } from '../../../server/discovery/lexical/documents.js';
import { FieldIndex } from '../../../server/discovery/lexical/field-index.js';
import { analyzeQuery } from '../../../server/discovery/text/query.js';

const fields = { title: { weight: 3, b: 0.5 }, body: { weight: 1, b: 0.75 } };
const concepts = (q: string) => analyzeQuery(q, { synonymWeight: 0 });

function build(docs: Record<string, { title: string[]; body: string[] }>) {
  const index = new FieldIndex(fields, 1.2);
  for (const [key, terms] of Object.entries(docs)) index.set(key, terms);
  return index;
}

const ranking = (index: FieldIndex<'title' | 'body'>, query: string) => {
  const { slots, score } = index.score(concepts(query));
  return slots.sort((a, b) => score[b]! - score[a]!).map((s) => index.key(s));
};

test('a term in a heavier field scores higher than in a lighter one', (t) => {
  const index = build({ a: { title: ['report'], body: ['x'] }, b: { title: ['x'], body: ['report'] } });
  t.deepEqual(ranking(index, 'report'), ['a', 'b']);
});

test('the same term frequency counts more in a shorter field (length normalisation)', (t) => {
  const index = build({
    short: { title: ['x'], body: ['report', 'daily'] },
    long: { title: ['x'], body: ['report', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'] },
  });
  t.deepEqual(ranking(index, 'report'), ['short', 'long']);
});

test('a field length counts each term at its termLength: CJK n-grams count less than words', (t) => {
  const docs = {
    chinese: { title: [], body: ['report', '获', '获取', '取', '取新', '新', '新闻', '闻'] },
    english: { title: [], body: ['report', 'fetch', 'latest', 'news', 'today'] },
    other: { title: [], body: ['a1', 'a2', 'a3'] },
  };
  const plain = build(docs);
  t.deepEqual(ranking(plain, 'report'), ['english', 'chinese'], 'eight terms make a longer field than five');
  const weighted = new FieldIndex(fields, 1.2, lengthOfTerm);
  for (const [key, terms] of Object.entries(docs)) weighted.set(key, terms);
  t.deepEqual(ranking(weighted, 'report'), ['chinese', 'english'], 'four characters say less than four words');
});

test('rarer terms weigh more (IDF), and IDF follows removals', (t) => {
  const index = build({
    a: { title: ['common'], body: [] },
    b: { title: ['common'], body: [] },
    c: { title: ['common', 'rare'], body: [] },
  });
  t.true(index.idf('rare') > index.idf('common'));
  t.true(index.has('rare'));
  index.delete('c');
  t.false(index.has('rare'));
  t.is(index.idf('rare'), index.idf('never-seen'), 'a removed document no longer counts');
  t.is(index.size, 2);
});

test('term frequency saturates: many repeats do not beat a second matched word', (t) => {
  const index = build({
    repeats: { title: [], body: ['weather', 'weather', 'weather', 'weather', 'weather', 'weather'] },
    both: { title: [], body: ['weather', 'forecast'] },
    other: { title: [], body: ['nothing'] },
  });
  t.deepEqual(ranking(index, 'weather forecast'), ['both', 'repeats']);
});

test('coverage is the IDF-weighted share of the query matched; contributions add up to the score', (t) => {
  const index = build({
    a: { title: ['alpha', 'beta'], body: [] },
    b: { title: ['alpha'], body: [] },
    c: { title: ['gamma'], body: [] },
  });
  const query = concepts('alpha beta');
  const { slots, score, coverage, contributions } = index.score(query);
  const a = slots.find((s) => index.key(s) === 'a')!;
  const b = slots.find((s) => index.key(s) === 'b')!;
  t.is(coverage[a], 1);
  t.true(coverage[b]! > 0 && coverage[b]! < 1);
  const [ca, cb] = contributions([a, b]);
  t.true(Math.abs(ca!.score[0]! + ca!.score[1]! - score[a]!) < 1e-12);
  t.is(cb!.score[1], 0, 'b does not match beta');
  t.deepEqual([...ca!.weight], [1, 1]);
  t.false(slots.some((s) => index.key(s) === 'c'));
});

test('replacing a document replaces its terms; unknown keys are ignored on delete', (t) => {
  const index = build({ a: { title: ['old'], body: [] } });
  index.set('a', { title: ['new'], body: [] });
  t.deepEqual(ranking(index, 'old'), []);
  t.deepEqual(ranking(index, 'new'), ['a']);
  t.false(index.delete('unknown'));
  t.true(index.delete('a'));
  t.deepEqual(ranking(index, 'new'), []);
});

test('accept limits which documents are scored', (t) => {
  const index = build({ a: { title: ['file'], body: [] }, b: { title: ['file'], body: [] } });
  const { slots } = index.score(concepts('file'), (slot) => index.key(slot) === 'b');
  t.deepEqual(
    slots.map((s) => index.key(s)),
    ['b'],
  );
});
