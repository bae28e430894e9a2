// `localmcp bench cache --json` as users run it: the headline keys next to the per-target rows.
import test from 'ava';
import { runCli } from '../helpers/gateway.js';

test('bench cache --json reports directP50Ms, missP50Ms, l1HitP50Ms, l2HitP50Ms and l3HitP50Ms', async (t) => {
  const result = await runCli(['bench', 'cache', '--calls', '30', '--json'], { timeoutMs: 120_000 });
  t.is(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as Record<string, unknown> & {
    targets: Array<{ name: string; p50Ms: number; errors: number }>;
  };
  for (const key of ['directP50Ms', 'missP50Ms', 'l1HitP50Ms']) {
    t.true(typeof report[key] === 'number' && (report[key] as number) > 0, `${key}: ${String(report[key])}`);
  }
  t.is(report.l2HitP50Ms, null, 'no --redis-url: no L2 figure');
  t.is(report.l3HitP50Ms, null, 'no embedder here: no L3 figure');
  t.is(report.l1HitP50Ms, report.targets.find((x) => x.name === 'gateway-l1-hit')!.p50Ms);
  t.true(
    report.targets.every((x) => x.errors === 0),
    'every call answered by the layer it measures',
  );
});
