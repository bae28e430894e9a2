// Reading the benchmark files: the catalog, both query formats, the distractors, and clear errors.
import test from 'ava';
import { halfOf, parseCatalog, parseDistractors, parseQueries } from '../../server/bench/retrieval-data.js';

const lines = (...values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n') + '\n';

test('catalog lines become tool documents; extra fields are ignored, missing optional ones are left out', (t) => {
  const docs = parseCatalog(
    lines(
      {
        id: 'Time::get_time',
        server: 'Time',
        server_key: 'time',
        server_description: 'Clocks',
        category: 'x',
        name: 'get_time',
        description: 'Now.',
        inputSchema: { type: 'object', properties: {} },
      },
      { id: 'Bare::tool', server: 'Bare', server_description: null, name: 'tool' },
    ),
  );
  t.deepEqual(docs, [
    {
      id: 'Time::get_time',
      name: 'get_time',
      server: 'Time',
      serverDescription: 'Clocks',
      description: 'Now.',
      inputSchema: { type: 'object', properties: {} },
    },
    {
      id: 'Bare::tool',
      name: 'tool',
      server: 'Bare',
      serverDescription: undefined,
      description: undefined,
      inputSchema: undefined,
    },
  ]);
});

test('query gold ids: a flat list is one needed tool, a nested list one list per needed tool', (t) => {
  const queries = parseQueries(
    lines(
      { query: 'step', step: 1, gold_tool_ids: ['A::x', 'B::x'] },
      { query: 'task', gold_tool_ids: [['A::x'], ['C::y', 'D::y']] },
    ),
  );
  t.deepEqual(queries, [
    { query: 'step', gold: [['A::x', 'B::x']] },
    { query: 'task', gold: [['A::x'], ['C::y', 'D::y']] },
  ]);
});

test('needed tools with no acceptable id are dropped, and queries left with none', (t) => {
  const queries = parseQueries(
    lines(
      { query: 'partly resolved', gold_tool_ids: [['A::x'], []] },
      { query: 'unresolved', gold_tool_ids: [[]] },
      { query: 'empty', gold_tool_ids: [] },
    ),
  );
  t.deepEqual(queries, [{ query: 'partly resolved', gold: [['A::x']] }]);
});

test('a bad line is reported with the file, the line number and the field', (t) => {
  t.throws(() => parseCatalog('{"id": "a"\n', 'cat.jsonl'), { message: /^cat\.jsonl:1: not JSON/ });
  t.throws(() => parseCatalog(lines({ id: 'a', server: 's', name: 'n' }, { id: 'b', server: 's' }), 'cat.jsonl'), {
    message: /^cat\.jsonl:2: name:/,
  });
  t.throws(() => parseQueries(lines({ query: 'q', gold_tool_ids: 'A::x' }), 'q.jsonl'), {
    message: /^q\.jsonl:1: gold_tool_ids:/,
  });
});

test('blank lines are skipped', (t) => {
  t.is(parseQueries('\n' + lines({ query: 'q', gold_tool_ids: ['A::x'] }) + '\n\n').length, 1);
});

test('distractors: each package of a packages list is a server with its listed tools', (t) => {
  const docs = parseDistractors(
    JSON.stringify({
      '@x/mail-mcp': {
        category: 'communication',
        tools: { send: { name: 'send-email', description: 'Send an email' }, list: { description: 'List mail' } },
      },
      'no-tools': { category: 'other', path: 'other/no-tools.json' },
    }),
  );
  t.deepEqual(docs, [
    { id: '@x/mail-mcp::send-email', name: 'send-email', server: '@x/mail-mcp', description: 'Send an email' },
    { id: '@x/mail-mcp::list', name: 'list', server: '@x/mail-mcp', description: 'List mail' },
  ]);
  t.throws(() => parseDistractors('[1, 2]', 'p.json'), { message: /^p\.json: not a packages list/ });
  t.throws(() => parseDistractors('{', 'p.json'), { message: /^p\.json: not JSON/ });
});

test('halves split by task: every query of a task in one half, the two halves making the whole', (t) => {
  const queries = parseQueries(
    lines(
      ...Array.from({ length: 40 }, (_, i) => ({ task_id: `task-${i % 10}`, query: `q${i}`, gold_tool_ids: ['A::x'] })),
    ),
  );
  t.is(queries[0]?.task, 'task-0');
  const one = halfOf(queries, 1);
  const two = halfOf(queries, 2);
  t.is(one.length + two.length, queries.length);
  t.true(one.length > 0 && two.length > 0);
  const tasksOne = new Set(one.map((q) => q.task));
  t.false(
    two.some((q) => tasksOne.has(q.task)),
    'no task in both halves',
  );
  t.deepEqual(halfOf(queries, 1), one, 'stable');
  t.throws(() => halfOf(parseQueries(lines({ query: 'q', gold_tool_ids: ['A::x'] })), 1), { message: /task_id/ });
});
