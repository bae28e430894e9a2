// `localmcp bench predictive` as users run it (a real oclif process, --json), small: the report's shape, that the
// boost does not hurt held-out ranking and helps the recurring workload, and that prefetch warming is measurable.
import test from 'ava';
import type { PredictiveBenchResult } from '../../server/bench/predictive-bench.js';
import { DEFAULT_CATALOG, DEFAULT_STEPS } from '../../server/bench/predictive-bench.js';
import { existsSync } from 'node:fs';
import { runCli } from '../helpers/gateway.js';

// The LiveMCPBench data lives in ../shared beside the repo (CI and the development machines have it, and
// .ci/run's runs never skip this); a bare copy of the repository without it skips this one test.
const haveData = existsSync(DEFAULT_STEPS) && existsSync(DEFAULT_CATALOG);

(haveData ? test : test.skip)(
  'bench predictive --json reports ranking with and without the boost and warming',
  async (t) => {
    const result = await runCli(['bench', 'predictive', '--json', '--calls', '10', '--prefetch-calls', '3'], {
      timeoutMs: 110_000,
    });
    t.is(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as PredictiveBenchResult;
    t.is(report.boost, 0.5);
    const [heldOut, synthetic] = report.ranking;
    t.regex(heldOut!.workload, /^held out/);
    t.regex(synthetic!.workload, /^synthetic/);
    t.true(heldOut!.steps > 50);
    t.true(heldOut!.with.hit1 >= heldOut!.without.hit1 && heldOut!.with.hit5 >= heldOut!.without.hit5);
    t.is(synthetic!.covered, synthetic!.steps, 'every transition of a recurring workflow was learned');
    t.true(synthetic!.with.hit1 > synthetic!.without.hit1, 'the boost lifts Hit@1 when workflows recur');
    const prefetch = report.latency.find((l) => l.name === 'prefetch')!;
    t.is(prefetch.warm.calls, 3);
    // The cold call waits for the upstream's 50 ms; the warmed one is answered from the cache.
    t.true(prefetch.warm.p50Ms * 5 < prefetch.cold.p50Ms, JSON.stringify(prefetch));
    t.is(report.latency.find((l) => l.name === 'validator')!.cold.calls, 10);
  },
);
