// The breaker benchmark: every target measured in one run, with finite positive figures (no speed assertions).
import { createTestContext, instantiatePlugin } from '@localmcp/plugin-api';
import cockatielPlugin from '@localmcp/breaker-cockatiel';
import test, { type ExecutionContext } from 'ava';
import { runBreakerBench, type BreakerBenchReport } from '../../server/bench/breaker-bench.js';
import { runCli } from '../helpers/gateway.js';

const TARGETS = ['bare', 'localmcp-elastic', 'localmcp-classic', 'localmcp-cockatiel', 'cockatiel', 'opossum'];

function checkShape(t: ExecutionContext, report: BreakerBenchReport): void {
  t.deepEqual(
    report.targets.map((target) => target.name),
    TARGETS,
  );
  for (const target of report.targets) {
    t.deepEqual(Object.keys(target).sort(), ['name', 'nsPerCall', 'opsPerSec', 'overheadNsPerCall'], target.name);
    t.true(Number.isFinite(target.nsPerCall) && target.nsPerCall > 0, `${target.name} nsPerCall`);
    t.true(Number.isFinite(target.opsPerSec) && target.opsPerSec > 0, `${target.name} opsPerSec`);
    t.true(Number.isFinite(target.overheadNsPerCall), `${target.name} overheadNsPerCall`);
  }
  t.is(report.targets[0]!.overheadNsPerCall, 0, 'bare is the baseline');
}

test('runBreakerBench measures every target, the breaker plugins given included', async (t) => {
  const cockatiel = await instantiatePlugin(cockatielPlugin, 'breaker', {}, createTestContext('breaker:cockatiel'));
  const progress: string[] = [];
  const report = await runBreakerBench({
    calls: 200,
    rounds: 3,
    warmup: 50,
    plugins: { cockatiel },
    onProgress: (round, rounds) => progress.push(`${round}/${rounds}`),
  });
  checkShape(t, report);
  t.like(report, { calls: 200, rounds: 3 });
  t.deepEqual(progress, ['1/3', '2/3', '3/3']);
});

test('`localmcp bench breaker --calls 200 --json` loads the cockatiel plugin as serve does and prints the report', async (t) => {
  const result = await runCli(['bench', 'breaker', '--calls', '200', '--rounds', '2', '--json']);
  t.is(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as BreakerBenchReport;
  checkShape(t, report);
  t.like(report, { calls: 200, rounds: 2 });
});

test('`localmcp bench breaker` prints a table with one row per target', async (t) => {
  const result = await runCli(['bench', 'breaker', '--calls', '100', '--rounds', '1']);
  t.is(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  t.regex(lines[0]!, /^TARGET\s+NS\/CALL\s+OVERHEAD NS\s+CALLS\/S$/);
  t.deepEqual(
    lines.slice(2).map((line) => line.split(/\s+/)[0]),
    TARGETS,
  );
});
