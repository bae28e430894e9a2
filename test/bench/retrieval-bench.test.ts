// The benchmark run on a tiny catalog with known answers: the report's keys, the metrics, the token counts.
import type { ToolDocument } from '@localmcp/plugin-api';
import test from 'ava';
import { runRetrievalBench, searchToolsPayload } from '../../server/bench/retrieval-bench.js';
import { LexicalIndex } from '../../server/discovery/lexical/index.js';

const tool = (server: string, name: string, description: string): ToolDocument => ({
  id: `${server}::${name}`,
  name,
  server,
  description,
  inputSchema: { type: 'object', properties: { value: { type: 'string', description: 'The value' } } },
});

const TOOLS = [
  tool('gh', 'create_issue', 'Create an issue in a repository.'),
  tool('gh', 'list_issues', 'List the issues of a repository.'),
  tool('fs', 'read_file', 'Read a file.'),
  tool('fs', 'list_directory', 'List the entries of a directory.'),
  tool('clock', 'current_time', 'The current time in a time zone.'),
];

const QUERIES = [
  { query: 'create an issue', gold: [['gh::create_issue']] },
  { query: 'what time is it now in Tokyo', gold: [['clock::current_time', 'other::time']] },
  { query: 'read a file, then list the directory', gold: [['fs::read_file'], ['fs::list_directory']] },
  { query: 'translate a poem', gold: [['gh::create_issue']] }, // no tool matches: a miss
];

const KEYS = [
  'hit1',
  'hit5',
  'recall5',
  'recall10',
  'ndcg5',
  'mrr',
  'serverRecall5',
  'tokensAll',
  'tokensTop5',
  'tokensSavedPct',
  'searchP50Ms',
  'searchP99Ms',
  'indexMs',
  'tools',
  'queries',
];

for (const strategy of ['two-stage', 'single-stage'] as const) {
  test(`${strategy}: the report has exactly the documented keys and the expected figures`, (t) => {
    const report = runRetrievalBench({ tools: TOOLS, queries: QUERIES, strategy, rounds: 2 });
    t.deepEqual(Object.keys(report).sort(), [...KEYS].sort());
    t.is(report.tools, 5);
    t.is(report.queries, 4);
    // Three of four queries find their tool first; the last finds nothing.
    t.is(report.hit1, 0.75);
    t.is(report.hit5, 0.75);
    t.is(report.recall10, 0.75);
    t.is(report.mrr, 0.75);
    t.is(report.serverRecall5, 0.75);
    t.true(report.searchP50Ms >= 0 && report.searchP99Ms >= report.searchP50Ms);
    t.true(report.indexMs >= 0);
  });
}

test('tokens: all tools as tools/list sends them, the top 5 as search_tools returns them', (t) => {
  const report = runRetrievalBench({ tools: TOOLS, queries: QUERIES.slice(0, 1), rounds: 0 });
  const all = JSON.stringify({
    tools: TOOLS.map((x) => ({ name: x.name, description: x.description, inputSchema: x.inputSchema })),
  });
  t.is(report.tokensAll, Math.round(all.length / 4));

  const index = new LexicalIndex();
  index.upsert(TOOLS);
  const hits = index.search(QUERIES[0]!.query, { limit: 5, strategy: 'two-stage' });
  const payload = searchToolsPayload(hits, (id) => index.get(id));
  t.deepEqual(Object.keys(payload.tools[0]!), ['name', 'server', 'description', 'inputSchema', 'score', 'reason']);
  t.is(payload.tools[0]?.name, 'create_issue');
  t.is(report.tokensTop5, Math.round(JSON.stringify(payload).length / 4));
  t.is(report.tokensSavedPct, Math.round(10000 * (1 - JSON.stringify(payload).length / all.length)) / 100);
});

test('a tool listed twice counts once, as the index keeps it', (t) => {
  const once = runRetrievalBench({ tools: TOOLS, queries: QUERIES, rounds: 0 });
  const twice = runRetrievalBench({ tools: [...TOOLS, TOOLS[0]!], queries: QUERIES, rounds: 0 });
  t.is(twice.tools, once.tools);
  t.is(twice.tokensAll, once.tokensAll);
});

test('progress is reported for the warm-up pass and every timed pass', (t) => {
  const calls: Array<[number, number]> = [];
  runRetrievalBench({
    tools: TOOLS,
    queries: QUERIES,
    rounds: 2,
    onProgress: (done, total) => calls.push([done, total]),
  });
  t.is(calls.length, QUERIES.length * 3);
  t.deepEqual(calls.at(-1), [12, 12]);
});

test('no queries: zeros, not NaN', (t) => {
  const report = runRetrievalBench({ tools: TOOLS, queries: [], rounds: 1 });
  t.is(report.queries, 0);
  t.is(report.hit1, 0);
  t.is(report.tokensTop5, 0);
  t.is(report.searchP99Ms, 0);
});
