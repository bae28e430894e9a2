// `localmcp bench all` as users run it: suites as child processes, the results table's data in --json, the HTML
// report with its charts, and suites that cannot run here reported as skipped.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { runCli, tempDir } from '../helpers/gateway.js';

test('bench all --json --html runs the suites asked for and reports the others as skipped', async (t) => {
  const html = join(await tempDir('localmcp-bench-all-'), 'report.html');
  const result = await runCli(
    [
      'bench',
      'all',
      '--quick',
      '--only',
      'breaker,search-scale,retrieval',
      '--retrieval-data',
      '/nonexistent/toolret',
      '--html',
      html,
      '--json',
    ],
    { timeoutMs: 180_000 },
  );
  t.is(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as {
    machine: { cores: number; loadBefore: number[]; node: string };
    suites: Array<{ name: string; status: string; note?: string; report?: unknown; headlines: unknown[] }>;
  };
  t.true(report.machine.cores >= 1);
  t.is(report.machine.loadBefore.length, 3);
  t.deepEqual(
    report.suites.map((s) => [s.name, s.status]),
    [
      ['breaker', 'ok'],
      ['retrieval', 'skipped'],
      ['search-scale', 'ok'],
    ],
  );
  t.regex(report.suites[1]!.note ?? '', /data not found/);
  const breaker = report.suites[0]!;
  t.true(Array.isArray((breaker.report as { targets: unknown[] }).targets));
  t.true(breaker.headlines.length >= 5, 'one headline per breaker target');
  const page = await readFile(html, 'utf8');
  t.true(page.startsWith('<!doctype html>'));
  t.true(page.includes('<svg'), 'charts are inline SVG');
  t.false(/<script|https?:\/\/(?!www\.w3\.org)/.test(page), 'self-contained: no script, nothing fetched');
  t.true(page.includes('Overhead per call of each circuit breaker'));
});

test('bench all refuses an unknown suite', async (t) => {
  const result = await runCli(['bench', 'all', '--only', 'nonsense']);
  t.is(result.code, 2);
  t.regex(result.stderr, /unknown suite "nonsense"/);
});
