// The ranking metrics on hand-made rankings whose figures are worked out below.
import test from 'ava';
import { meanMetrics, queryMetrics } from '../../server/bench/retrieval-metrics.js';

const close = (actual: number, expected: number) => Math.abs(actual - expected) < 1e-9;

test('one needed tool with two acceptable ids (the step file format)', (t) => {
  // Found at rank 2 through t::a; s::a at rank 3 is the same tool again and counts no more.
  const m = queryMetrics(['s::x', 't::a', 's::a', 's::y'], [['s::a', 't::a']]);
  t.is(m.hit1, 0);
  t.is(m.hit5, 1);
  t.is(m.recall5, 1);
  t.is(m.recall10, 1);
  t.true(close(m.ndcg5, 1 / Math.log2(3)), String(m.ndcg5));
  t.is(m.mrr, 0.5);
  t.is(m.serverRecall5, 1);
});

test('several needed tools, one list of acceptable ids each (the task file format)', (t) => {
  const ranked = ['a::1', 'x::0', 'b::2', 'x::1', 'x::2', 'x::3', 'c::3', 'x::4', 'x::5', 'x::6', 'd::4'];
  const m = queryMetrics(ranked, [['a::1'], ['b::2'], ['c::3'], ['d::4']]);
  t.is(m.hit1, 1);
  t.is(m.hit5, 1);
  t.is(m.recall5, 2 / 4);
  t.is(m.recall10, 3 / 4, 'd::4 is 11th');
  const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4) + 1 / Math.log2(5);
  t.true(close(m.ndcg5, (1 + 1 / Math.log2(4)) / ideal), String(m.ndcg5));
  t.is(m.mrr, 1);
  t.is(m.serverRecall5, 2 / 4, 'servers a and b of a, b, c, d');
});

test('nothing found scores zero everywhere', (t) => {
  const m = queryMetrics(['x::1', 'x::2'], [['a::1']]);
  t.deepEqual(m, { hit1: 0, hit5: 0, recall5: 0, recall10: 0, ndcg5: 0, mrr: 0, serverRecall5: 0 });
  t.deepEqual(queryMetrics([], [['a::1']]).hit5, 0);
});

test('Hit@5 stops at 5 and MRR looks further', (t) => {
  const m = queryMetrics(['x::1', 'x::2', 'x::3', 'x::4', 'x::5', 'a::1'], [['a::1']]);
  t.is(m.hit5, 0);
  t.is(m.recall10, 1);
  t.true(close(m.mrr, 1 / 6));
});

test('servers come from the given lookup when ids do not name them', (t) => {
  const serverOf = (id: string) => ({ one: 'alpha', two: 'beta', other: 'alpha' })[id];
  t.is(queryMetrics(['other'], [['one']], serverOf).serverRecall5, 1, 'another tool of the right server');
  t.is(queryMetrics(['other'], [['two']], serverOf).serverRecall5, 0);
});

test('means are per metric over queries', (t) => {
  const a = queryMetrics(['a::1'], [['a::1']]);
  const b = queryMetrics(['x::1'], [['a::1']]);
  const mean = meanMetrics([a, b]);
  t.is(mean.hit1, 0.5);
  t.is(mean.mrr, 0.5);
  t.is(meanMetrics([]).hit1, 0);
});
