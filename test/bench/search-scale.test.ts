// `localmcp bench search-scale` as users run it: every backend at every size, recall measured against exact search.
import test from 'ava';
import { runCli } from '../helpers/gateway.js';

test('bench search-scale --json: a row per backend and size; exact search has recall 1', async (t) => {
  const result = await runCli(
    ['bench', 'search-scale', '--sizes', '300,600', '--backends', 'exact,hnsw', '--queries', '20', '--json'],
    { timeoutMs: 120_000 },
  );
  t.is(result.code, 0, result.stderr);
  const { rows } = JSON.parse(result.stdout) as {
    rows: Array<{ backend: string; tools: number; buildMs: number; p50Ms: number; p99Ms: number; recallAtK: number }>;
  };
  t.deepEqual(
    rows.map((r) => `${r.backend}:${r.tools}`),
    ['search:exact:300', 'search:hnsw:300', 'search:exact:600', 'search:hnsw:600'],
  );
  for (const row of rows) {
    t.true(row.p50Ms > 0 && row.p99Ms >= row.p50Ms && row.buildMs >= 0, JSON.stringify(row));
    t.true(row.recallAtK > 0.5 && row.recallAtK <= 1, JSON.stringify(row));
  }
  t.true(rows.filter((r) => r.backend === 'search:exact').every((r) => r.recallAtK === 1));
});

test('bench search-scale reports a backend that is not installed instead of failing', async (t) => {
  const result = await runCli(['bench', 'search-scale', '--sizes', '50', '--backends', 'nosuch', '--json']);
  t.is(result.code, 0, result.stderr);
  const { rows } = JSON.parse(result.stdout) as { rows: Array<{ backend: string; error?: string }> };
  t.is(rows[0]!.backend, 'search:nosuch');
  t.regex(rows[0]!.error!, /search:nosuch/);
});
