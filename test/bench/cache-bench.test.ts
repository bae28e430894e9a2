// `localmcp bench cache --json` as users run it: the headline keys next to the per-target rows.
import test from 'ava';
import { runCli } from '../helpers/gateway.js';

test('bench cache --json reports directP50Ms, missP50Ms, l1HitP50Ms, l2HitP50Ms and l3HitP50Ms', async (t) => {
  const result = await runCli(['bench', 'cache', '--calls', '30', '--warmup', '20', '--json'], { timeoutMs: 120_000 });
  t.is(result.code, 0, result.stderr + result.stdout.slice(0, 2000));
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

test('bench cache --upstream filesystem --client sdk: server-filesystem behind every target, every answer checked', async (t) => {
  const result = await runCli(
    ['bench', 'cache', '--upstream', 'filesystem', '--client', 'sdk', '--calls', '20', '--warmup', '5', '--json'],
    { timeoutMs: 120_000 },
  );
  t.is(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as {
    upstream: string;
    client: string;
    targets: Array<{ name: string; errors: number }>;
  };
  t.is(report.upstream, 'filesystem');
  t.is(report.client, 'sdk');
  t.deepEqual(
    report.targets.map((x) => x.name),
    [
      'direct-stdio',
      'http-floor',
      'l1-hit',
      'gateway-l1-hit',
      'gateway-miss',
      'gateway-stdio-l1-hit',
      'gateway-stdio-miss',
    ],
  );
  // A call counts as an error unless its text is the file's and it came from the layer measured (an L1 hit
  // marked so, a miss not marked): a cache that served misses, or did not serve hits, fails here.
  t.true(
    report.targets.every((x) => x.errors === 0),
    JSON.stringify(report.targets),
  );
});

test('bench cache refuses an unknown upstream', async (t) => {
  const result = await runCli(['bench', 'cache', '--upstream', 'nonsense']);
  t.not(result.code, 0);
  t.regex(result.stderr, /echo, filesystem|Expected --upstream/);
});
