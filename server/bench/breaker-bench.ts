import type { BreakerFactory, BreakerHost } from '@localmcp/plugin-api';
import { circuitBreaker, ConsecutiveBreaker, handleAll } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { ClassicBreakerPolicy } from '../resilience/classic-policy.js';
import { countResultsAsSuccess, defaultClassify } from '../resilience/classify.js';
import { ElasticBreaker } from '../resilience/elastic-breaker.js';

export interface BreakerBenchOptions {
  /** Sequential calls per target in each round. */
  calls?: number;
  /** Timed rounds; each target's figure is the median of its rounds. */
  rounds?: number;
  /** Untimed calls per target before the first round, so every wrapper runs JIT-compiled. */
  warmup?: number;
  /**
   * Breaker plugins to measure besides the built-in policies, by plugin name: `cockatiel` is the target
   * `localmcp-cockatiel`. The CLI passes every loaded breaker plugin; the gateway code never imports one.
   */
  plugins?: Readonly<Record<string, BreakerFactory>>;
  onProgress?: (round: number, rounds: number) => void;
}

export interface BreakerBenchTarget {
  name: string;
  /** Median over the rounds of the wall time per call, in nanoseconds. */
  nsPerCall: number;
  /** Median over the rounds of (this target − bare) in the same round: what the wrapper adds to each call. */
  overheadNsPerCall: number;
  opsPerSec: number;
}

export interface BreakerBenchReport {
  calls: number;
  rounds: number;
  targets: BreakerBenchTarget[];
}

type Run = () => Promise<unknown>;

// The wrapped function: as cheap as an async call gets, so what is measured is the wrapper.
const trivial = () => Promise.resolve(1);

// The gateway's own judgement of calls, as every localmcp policy gets it.
const host: BreakerHost = {
  classifyError: defaultClassify,
  classifyResult: countResultsAsSuccess,
  probe: () => Promise.resolve(),
};

/**
 * The per-call cost of each breaker around a trivial async function, side by side in one process: `bare` (no
 * wrapper), the built-in `elastic` and `classic` policies, any breaker plugins given (`localmcp-<name>`), and the
 * raw libraries, `cockatiel` (a consecutive breaker) and `opossum`. Each is configured to break only: no timeout,
 * retry or bulkhead (opossum's default 10 s timeout is turned off, it would arm a timer per call). Rounds
 * interleave the targets, in a rotating order, so drift (JIT, GC, CPU frequency) spreads over all of them.
 */
export async function runBreakerBench(options: BreakerBenchOptions = {}): Promise<BreakerBenchReport> {
  const calls = options.calls ?? 20_000;
  const rounds = options.rounds ?? 7;
  const warmup = options.warmup ?? Math.min(calls, 5_000);
  const target = { server: 's', tool: 't' };

  const elastic = new ElasticBreaker();
  const classic = new ClassicBreakerPolicy();
  // The built-in policies are measured directly; their plugin forms would only repeat them.
  const plugins = Object.entries(options.plugins ?? {})
    .filter(([name]) => name !== 'elastic' && name !== 'classic')
    .map(([name, factory]) => ({ name: `localmcp-${name}`, policy: factory.createPolicy(host) }));
  const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const opossum = new CircuitBreaker(trivial, { timeout: false, resetTimeout: 10_000, errorThresholdPercentage: 50 });

  const targets: Array<{ name: string; run: Run }> = [
    { name: 'bare', run: trivial },
    { name: 'localmcp-elastic', run: () => elastic.execute(target, trivial) },
    { name: 'localmcp-classic', run: () => classic.execute(target, trivial) },
    ...plugins.map(({ name, policy }) => ({ name, run: () => policy.execute(target, trivial) })),
    { name: 'cockatiel', run: () => cockatiel.execute(trivial) },
    { name: 'opossum', run: () => opossum.fire() },
  ];

  try {
    for (const { run } of targets) await time(run, warmup);
    const samples = targets.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (round + k) % targets.length;
        samples[i]!.push((await time(targets[i]!.run, calls)) / calls);
      }
      options.onProgress?.(round + 1, rounds);
    }
    const bare = samples[0]!;
    return {
      calls,
      rounds,
      targets: targets.map(({ name }, i) => {
        const nsPerCall = median(samples[i]!);
        return {
          name,
          nsPerCall: round1(nsPerCall),
          overheadNsPerCall: round1(median(samples[i]!.map((ns, r) => ns - bare[r]!))),
          opsPerSec: Math.round(1e9 / nsPerCall),
        };
      }),
    };
  } finally {
    elastic.dispose();
    for (const { policy } of plugins) policy.dispose?.();
    opossum.shutdown(); // stops its rolling-statistics interval
  }
}

/** Nanoseconds for `n` sequential awaited calls. */
async function time(run: Run, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await run();
  return Number(process.hrtime.bigint() - start);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
