// `localmcp bench chaos` as users run it: a real gateway process, its upstream killed during the run, every call
// accounted for under the JSON keys the issue names.
import test from 'ava';
import { runCli } from '../helpers/gateway.js';

test('bench chaos --json accounts for every call while the upstream is killed', async (t) => {
  const result = await runCli(['bench', 'chaos', '--seconds', '4', '--rate', '25', '--kill-every', '1000', '--json'], {
    timeoutMs: 90_000,
  });
  t.is(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as {
    calls: number;
    answered: number;
    cached: number;
    served: number;
    fallbacks: number;
    hung: number;
    kills: number;
    restarts: number;
    errorsByClass: Record<string, number>;
  };
  for (const key of [
    'calls',
    'answered',
    'served',
    'fallbacks',
    'hung',
    'errorsByClass',
    'p50Ms',
    'p99Ms',
    'restarts',
  ]) {
    t.true(key in report, `has ${key}`);
  }
  t.true(report.kills >= 2, 'the upstream was killed during the run');
  t.true(report.restarts >= 1, 'and restarted by the gateway');
  t.is(report.calls, 100, '25 calls/s for 4 s');
  const errors = Object.values(report.errorsByClass).reduce((a, b) => a + b, 0);
  t.is(report.served, report.answered + report.cached + report.fallbacks);
  t.is(report.served + errors + report.hung, report.calls, 'every call is counted once');
  t.is(report.hung, 0);
});
