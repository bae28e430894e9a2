// `localmcp bench retrieval` as users run it: a real CLI process on small files in a temp dir.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test from 'ava';
import { runCli, tempDir } from '../helpers/gateway.js';

const jsonl = (...values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n') + '\n';

async function files() {
  const dir = await tempDir('localmcp-bench-retrieval-');
  const catalog = join(dir, 'catalog.jsonl');
  const steps = join(dir, 'steps.jsonl');
  const tasks = join(dir, 'tasks.jsonl');
  const distractors = join(dir, 'packages-list.json');
  await writeFile(
    catalog,
    jsonl(
      {
        id: 'gh::create_issue',
        server: 'gh',
        server_description: 'GitHub',
        name: 'create_issue',
        description: 'Create an issue.',
        inputSchema: { type: 'object' },
      },
      {
        id: 'fs::read_file',
        server: 'fs',
        server_description: 'Files',
        name: 'read_file',
        description: 'Read a file.',
        inputSchema: { type: 'object' },
      },
    ),
  );
  await writeFile(
    steps,
    jsonl(
      { task_id: 'a', query: 'create an issue', gold_tool_ids: ['gh::create_issue'] },
      { task_id: 'b', query: 'read a file', gold_tool_ids: ['fs::read_file'] },
    ),
  );
  await writeFile(
    tasks,
    jsonl({ query: 'read a file and open an issue', gold_tool_ids: [['fs::read_file'], ['gh::create_issue']] }),
  );
  await writeFile(
    distractors,
    JSON.stringify({ 'issue-mcp': { tools: { make: { name: 'make_ticket', description: 'Make a ticket.' } } } }),
  );
  return { catalog, steps, tasks, distractors };
}

const KEYS =
  'hit1 hit5 recall5 recall10 ndcg5 mrr serverRecall5 tokensAll tokensTop5 tokensSavedPct searchP50Ms searchP99Ms indexMs tools queries';

test('--json prints one object with exactly the documented keys, for both query formats', async (t) => {
  const f = await files();
  for (const queries of [f.steps, f.tasks]) {
    const result = await runCli(['bench', 'retrieval', '--catalog', f.catalog, '--queries', queries, '--json']);
    t.is(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as Record<string, number>;
    t.deepEqual(Object.keys(report).sort(), KEYS.split(' ').sort());
    t.is(report.tools, 2);
    t.is(report.queries, queries === f.steps ? 2 : 1);
    t.is(report.hit1, 1);
  }
});

test('distractors are indexed with the catalog, and the strategy flag is honoured', async (t) => {
  const f = await files();
  const args = ['bench', 'retrieval', '--catalog', f.catalog, '--queries', f.steps, '--distractors', f.distractors];
  for (const strategy of ['two-stage', 'single-stage']) {
    const result = await runCli([...args, '--strategy', strategy, '--json']);
    t.is(result.code, 0, result.stderr);
    t.is((JSON.parse(result.stdout) as { tools: number }).tools, 3);
  }
  const wrong = await runCli([...args, '--strategy', 'three-stage']);
  t.not(wrong.code, 0);
  t.regex(wrong.stderr, /three-stage/);
});

test('--half runs one half of the queries, split by task', async (t) => {
  const f = await files();
  const counts: number[] = [];
  for (const half of ['1', '2']) {
    const result = await runCli([
      'bench',
      'retrieval',
      '--catalog',
      f.catalog,
      '--queries',
      f.steps,
      '--half',
      half,
      '--json',
    ]);
    t.is(result.code, 0, result.stderr);
    counts.push((JSON.parse(result.stdout) as { queries: number }).queries);
  }
  t.is(counts[0]! + counts[1]!, 2);
  const wrong = await runCli(['bench', 'retrieval', '--catalog', f.catalog, '--queries', f.steps, '--half', '3']);
  t.not(wrong.code, 0);
});

test('without --json a readable table', async (t) => {
  const f = await files();
  const result = await runCli(['bench', 'retrieval', '--catalog', f.catalog, '--queries', f.steps]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^METRIC\s+VALUE\s+MEANING/);
  t.regex(result.stdout, /Hit@1\s+1\.000/);
  t.regex(result.stdout, /Tokens saved %\s+-?\d+\.\d\d/); // negative here: two tools cost less than a ranked answer
  t.throws(() => JSON.parse(result.stdout));
});

test('a missing file or a bad line is a clear error, not a stack trace', async (t) => {
  const f = await files();
  const missing = await runCli([
    'bench',
    'retrieval',
    '--catalog',
    join(dirname(f.catalog), 'nope.jsonl'),
    '--queries',
    f.steps,
  ]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /Cannot read the catalog/);
  t.regex(missing.stderr, /nope\.jsonl: ENOENT/);
  t.notRegex(missing.stderr, /\n\s+at .+:\d+:\d+/);

  await writeFile(f.steps, 'not json\n');
  const bad = await runCli(['bench', 'retrieval', '--catalog', f.catalog, '--queries', f.steps]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /steps\.jsonl:1: not JSON/);

  const noFlags = await runCli(['bench', 'retrieval', '--queries', f.steps]);
  t.not(noFlags.code, 0);
  t.regex(noFlags.stderr, /catalog/);
});
