// Small parts of the engine: top-k selection, spelling correction, name coverage and phrases, explanations.
import test from 'ava';
import { explainMatch } from '../../../server/discovery/lexical/explain.js';
import {
  bigramCount,
  nameCoverageOf,
  phraseMatches,
  queryBigrams,
  queryCoverageOf,
  summaryParts,
} from '../../../server/discovery/lexical/features.js';
import { topK } from '../../../server/discovery/lexical/top-k.js';
import { termOf } from '../../../server/discovery/text/analyzer.js';
import { analyzeQuery, queryTermsOf } from '../../../server/discovery/text/query.js';
import { editDistance, SpellingIndex } from '../../../server/discovery/text/spelling.js';

test('topK returns the same as sorting everything and cutting, ties to the lower item', (t) => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const scores = Array.from({ length: 500 }, () => Math.floor(random() * 50));
  const items = scores.map((_, i) => i);
  const expected = [...items].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, 20);
  t.deepEqual(
    topK(items, (i) => scores[i]!, 20),
    expected,
  );
  t.deepEqual(
    topK(items, (i) => scores[i]!, 0),
    [],
  );
  t.is(topK(items.slice(0, 3), (i) => scores[i]!, 10).length, 3);
});

test('edit distance counts insertions, deletions, substitutions and swaps, and stops past the limit', (t) => {
  t.is(editDistance('calculate', 'caculate', 2), 1);
  t.is(editDistance('forecast', 'forcast', 2), 1);
  t.is(editDistance('weather', 'waether', 2), 1);
  t.is(editDistance('search', 'serach', 2), 1);
  t.is(editDistance('kitten', 'sitting', 3), 3);
  t.is(editDistance('alpha', 'omega', 1), 2, 'max + 1 once past the limit');
});

test('spelling suggestions: known words within the allowed edits, nearest and commonest first', (t) => {
  const index = new SpellingIndex(['calcul', 'calendar', 'forecast', 'format', 'cat']);
  t.deepEqual(
    index.suggest('cacul', () => 0),
    ['calcul'],
  );
  t.deepEqual(
    index.suggest('forcast', () => 0),
    ['forecast'],
  );
  t.deepEqual(
    index.suggest('cat', () => 0),
    [],
    'short words are not corrected',
  );
  t.deepEqual(
    index.suggest('zzzzzz', () => 0),
    [],
  );
  const ranked = new SpellingIndex(['baked', 'bikes']);
  t.deepEqual(
    ranked.suggest('bakes', (w) => (w === 'bikes' ? 2 : 1)),
    ['bikes', 'baked'],
  );
});

test('name coverage: the IDF-weighted share of a name the query asks for', (t) => {
  const idf = (term: string) => (term === 'get' ? 0.1 : 2);
  const weights = new Map([
    ['get', 1],
    ['weather', 1],
  ]);
  t.is(nameCoverageOf(['get', 'weather'], weights, idf), 1);
  t.is(nameCoverageOf(['get', 'stock'], weights, idf), 0.1 / 2.1);
  t.is(nameCoverageOf([], weights, idf), 0);
});

test('summary words: those of an English summary; none for a summary mostly in CJK, whose name stands in', (t) => {
  t.deepEqual(summaryParts(['get', 'detail', 'dataset']), ['get', 'detail', 'dataset']);
  // "获取知乎热榜 JSON": CJK n-grams are the majority, the one English word is not the summary.
  t.deepEqual(summaryParts(['获', '获取', '取', '知', '知乎', '乎', 'json']), []);
  t.deepEqual(summaryParts(['get', 'weibo', '微', '微博', '博']), []);
  t.deepEqual(summaryParts(['get', 'weibo', 'trend', '微博']), ['get', 'weibo', 'trend']);
});

test('query coverage: the IDF-weighted share of the required concepts matched, related words at their weight', (t) => {
  const idf = [1, 3, 2];
  t.is(queryCoverageOf([1, 1, 1], idf, [true, true, true]), 1);
  t.is(queryCoverageOf([1, 0, 0], idf, [true, true, true]), 1 / 6);
  t.is(queryCoverageOf([0, 0.5, 1], idf, [true, true, true]), 3.5 / 6);
  // An optional concept counts neither way; with none required, everything is covered.
  t.is(queryCoverageOf([0, 1, 0], idf, [false, true, false]), 1);
  t.is(queryCoverageOf([0, 0, 0], idf, [false, false, false]), 1);
});

test('phrases: query bigrams found side by side in the name or summary, in either order', (t) => {
  const bigrams = queryBigrams(queryTermsOf('current time zone'));
  t.is(bigramCount(bigrams), 2);
  const terms = (name: string, summary: string) => ({
    name: termOf(name),
    summary: termOf(summary),
    description: [],
    parameters: [],
    parameterDescriptions: [],
    server: [],
    serverDescription: [],
  });
  t.is(phraseMatches(terms('get_current_time', 'x'), bigrams), 1);
  t.is(phraseMatches(terms('x', 'zone time current'), bigrams), 2);
  t.is(phraseMatches(terms('time clock current', 'zone'), bigrams), 0);
});

test('explanations list matched query words per field, related and corrected words marked', (t) => {
  const concepts = analyzeQuery('fetch issues');
  concepts.push({
    word: 'caculate',
    term: 'cacul',
    terms: [
      { term: 'cacul', weight: 1 },
      { term: 'calcul', weight: 0.8, via: 'spelling' },
    ],
    count: 1,
    optional: false,
  });
  const terms = {
    name: termOf('get_issue'),
    summary: [],
    description: termOf('Calculate issues'),
    parameters: [],
    parameterDescriptions: [],
    server: [],
    serverDescription: termOf('issues'),
  };
  const { matched, reason } = explainMatch(concepts, terms);
  t.deepEqual(matched, {
    name: ['fetch', 'issues'],
    description: ['issues', 'caculate'],
    serverDescription: ['issues'],
  });
  t.is(reason, 'name matches "fetch" (related), "issues"; description matches "issues", "caculate" (spelling)');
  t.is(explainMatch(concepts, { ...terms, name: [], description: [] }).reason, 'server description matches "issues"');
});
