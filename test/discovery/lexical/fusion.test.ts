// Fusing the lexical ranking with a dense one: reciprocal rank fusion and normalised weighted sums.
import test from 'ava';
import { fuseScores } from '../../../server/discovery/fusion.js';

const lexical = [
  { id: 'a', score: 12 },
  { id: 'b', score: 6 },
  { id: 'c', score: 3 },
];
const dense = [
  { id: 'c', score: 0.9 },
  { id: 'b', score: 0.8 },
  { id: 'd', score: 0.1 },
];
const order = (fused: Array<{ id: string }>) => fused.map((f) => f.id);

test('rrf: an id ranked well in both lists beats ids ranked first in one only', (t) => {
  const other = [
    { id: 'd', score: 0.9 },
    { id: 'b', score: 0.8 },
  ];
  const fused = fuseScores(lexical, other, { method: 'rrf' });
  t.deepEqual(order(fused), ['b', 'a', 'd', 'c']);
  const b = fused[0]!;
  t.is(b.score, 0.5 / 62 + 0.5 / 62);
  t.is(b.lexical, 6);
  t.is(b.dense, 0.8);
  t.is(fused.find((f) => f.id === 'd')?.lexical, undefined);
  t.is(fused.find((f) => f.id === 'c')?.dense, undefined);
});

test('rrf: the weight is the dense share, from lexical only to dense only', (t) => {
  t.deepEqual(order(fuseScores(lexical, dense, { method: 'rrf', weight: 0 })).slice(0, 3), ['a', 'b', 'c']);
  t.deepEqual(order(fuseScores(lexical, dense, { method: 'rrf', weight: 1 })).slice(0, 3), ['c', 'b', 'd']);
});

test('rrf: a small k favours the top ranks of each list', (t) => {
  // With k = 0, first place in one list (1/1) outweighs second place in both (1/2 + 1/2 is a tie, so
  // take a third list position): a is 1st lexically only; b is 2nd in both.
  const k0 = fuseScores(lexical, dense, { method: 'rrf', k: 0 });
  const k60 = fuseScores(lexical, dense, { method: 'rrf', k: 60 });
  t.true(k0.find((f) => f.id === 'a')!.score >= k0.find((f) => f.id === 'b')!.score);
  t.true(k60.find((f) => f.id === 'a')!.score < k60.find((f) => f.id === 'b')!.score);
});

test('weighted: scores are min-max normalised per list, then mixed', (t) => {
  const fused = fuseScores(lexical, dense, { method: 'weighted', weight: 0.5 });
  const score = (id: string) => fused.find((f) => f.id === id)!.score;
  // lexical: a 1, b 1/3, c 0; dense: c 1, b 0.875, d 0
  t.is(score('a'), 0.5);
  t.true(Math.abs(score('b') - (0.5 / 3 + 0.5 * 0.875)) < 1e-12);
  t.is(score('c'), 0.5);
  t.is(score('d'), 0);
  t.is(fused[0]?.id, 'b');
});

test('weighted: weight 0 and 1 give each ranking alone', (t) => {
  // The last of each list normalises to 0, like ids missing from it, so only the first two are ordered.
  t.deepEqual(order(fuseScores(lexical, dense, { method: 'weighted', weight: 0 })).slice(0, 2), ['a', 'b']);
  t.deepEqual(order(fuseScores(lexical, dense, { method: 'weighted', weight: 1 })).slice(0, 2), ['c', 'b']);
});

test('inputs need no order; duplicates keep their best score; NaN is ignored; ties order by id', (t) => {
  const fused = fuseScores(
    [
      { id: 'y', score: 1 },
      { id: 'x', score: 2 },
      { id: 'x', score: 5 },
      { id: 'z', score: Number.NaN },
    ],
    [],
    { method: 'weighted' },
  );
  t.deepEqual(order(fused), ['x', 'y']);
  t.is(fused[0]?.lexical, 5);
  const ties = fuseScores(
    [
      { id: 'q', score: 1 },
      { id: 'p', score: 1 },
    ],
    [],
    { method: 'weighted' },
  );
  t.deepEqual(order(ties), ['p', 'q']);
});

test('empty rankings fuse to nothing; an invalid weight or k is an error', (t) => {
  t.deepEqual(fuseScores([], [], { method: 'rrf' }), []);
  t.deepEqual(order(fuseScores([], dense, { method: 'rrf' })), ['c', 'b', 'd']);
  t.throws(() => fuseScores(lexical, dense, { method: 'weighted', weight: 1.5 }), { instanceOf: RangeError });
  t.throws(() => fuseScores(lexical, dense, { method: 'rrf', k: -1 }), { instanceOf: RangeError });
});
