// The real benchmark (../shared/data/toolret: LiveMCPBench queries over its 527 tools, and with the 8,010
// toolsdk-registry tools as distractors), run with the embedded engine and no model. The floors are the figures
// the engine reached when this test was written (see the README), so a regression fails here. Latency goals are
// the benchmark's business (`localmcp bench retrieval`), not a test's.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { benchRetrieval, type RetrievalReport } from '../../server/bench/retrieval-bench.js';

const DATA = fileURLToPath(new URL('../../../shared/data/toolret/', import.meta.url));
const CATALOG = `${DATA}livemcp_catalog.jsonl`;
const STEPS = `${DATA}livemcp_step_queries.jsonl`;
const TASKS = `${DATA}livemcp_queries.jsonl`;
const DISTRACTORS = `${DATA}toolsdk-registry/packages-list.json`;

type Floors = Partial<Record<keyof RetrievalReport, number>>;

const cases: Array<{
  name: string;
  strategy: 'two-stage' | 'single-stage';
  queries: string;
  distractors?: string;
  floors: Floors;
}> = [
  {
    name: 'step queries, 527 tools',
    strategy: 'two-stage',
    queries: STEPS,
    floors: { hit1: 0.55, hit5: 0.71, mrr: 0.62 },
  },
  {
    name: 'step queries, 527 tools',
    strategy: 'single-stage',
    queries: STEPS,
    floors: { hit1: 0.53, hit5: 0.73, mrr: 0.62 },
  },
  {
    name: 'step queries, 8,529 tools',
    strategy: 'two-stage',
    queries: STEPS,
    distractors: DISTRACTORS,
    floors: { hit5: 0.6, hit1: 0.38 },
  },
  {
    name: 'step queries, 8,529 tools',
    strategy: 'single-stage',
    queries: STEPS,
    distractors: DISTRACTORS,
    floors: { hit5: 0.66, hit1: 0.35 },
  },
  { name: 'task queries, 527 tools', strategy: 'two-stage', queries: TASKS, floors: { recall10: 0.5, recall5: 0.41 } },
  {
    name: 'task queries, 527 tools',
    strategy: 'single-stage',
    queries: TASKS,
    floors: { recall10: 0.5, recall5: 0.41 },
  },
  {
    name: 'task queries, 8,529 tools',
    strategy: 'two-stage',
    queries: TASKS,
    distractors: DISTRACTORS,
    floors: { recall10: 0.37 },
  },
];

test('the benchmark data is where the tests expect it', (t) => {
  for (const file of [CATALOG, STEPS, TASKS, DISTRACTORS]) t.true(existsSync(file), file);
});

for (const { name, strategy, queries, distractors, floors } of cases) {
  test(`${name}, ${strategy}: at least the figures reached`, async (t) => {
    const report = await benchRetrieval({ catalog: CATALOG, queries, distractors, strategy, rounds: 1 });
    t.is(report.queries, queries === STEPS ? 95 : 94);
    t.is(report.tools, distractors ? 8529 : 527);
    for (const [key, floor] of Object.entries(floors) as Array<[keyof RetrievalReport, number]>)
      t.true(report[key] >= floor, `${key} ${report[key]} < ${floor}`);
    t.true(report.tokensSavedPct >= 98, `tokensSavedPct ${report.tokensSavedPct}`);
  });
}
