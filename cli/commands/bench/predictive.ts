import { Command, Flags } from '@oclif/core';
import { PredictiveSchema } from '../../../server/config/predictive-schema.js';
import {
  benchPredictive,
  DEFAULT_CATALOG,
  DEFAULT_STEPS,
  type PredictiveBenchResult,
} from '../../../server/bench/predictive-bench.js';
import { renderTable } from '../../table.js';

const defaults = PredictiveSchema.parse({});

export default class BenchPredictive extends Command {
  static override summary = 'Measure predictive pre-loading: search ranking with and without the boost, and warming.';
  static override description =
    "Ranking: the LiveMCPBench multi-step tasks (--steps, --catalog), each step query ranked by the lexical index with and without the boost after the previous step's tool; held out (each task ranked with transitions learned from the other tasks only) and a labelled synthetic workload where every task's sequence recurs (--repeats). Latency: a real gateway in front of a stdio server with the catalog's real schemas; the first call of a predicted next tool with warming (its validator compiled; for a read-only argument-free tool, its answer prefetched into the cache) against the same without.";
  static override examples = [
    '<%= config.bin %> bench predictive',
    '<%= config.bin %> bench predictive --boost 1 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    steps: Flags.string({
      summary: 'The step queries (JSONL with task_id, step, query, gold_tool_ids).',
      default: DEFAULT_STEPS,
    }),
    catalog: Flags.string({ summary: 'The tool catalog (JSONL, LiveMCPBench format).', default: DEFAULT_CATALOG }),
    boost: Flags.string({ summary: 'discovery.predictive.boost to measure.', default: String(defaults.boost) }),
    'min-count': Flags.integer({ summary: 'discovery.predictive.minCount.', default: defaults.minCount, min: 1 }),
    repeats: Flags.integer({ summary: 'Runs of each workflow before, in the synthetic workload.', default: 3, min: 1 }),
    calls: Flags.integer({ summary: 'Successor calls per arm (validator warming).', default: 100, min: 1 }),
    'prefetch-calls': Flags.integer({ summary: 'Successor calls per arm (prefetch).', default: 10, min: 1 }),
    'status-ms': Flags.integer({ summary: 'Upstream latency of the prefetchable tool.', default: 50, min: 0 }),
  };

  async run(): Promise<PredictiveBenchResult> {
    const { flags } = await this.parse(BenchPredictive);
    const boost = Number(flags.boost);
    if (!Number.isFinite(boost) || boost < 0 || boost > 2) this.error('--boost must be a number between 0 and 2');
    const json = this.jsonEnabled();
    let result: PredictiveBenchResult;
    try {
      result = await benchPredictive({
        steps: flags.steps,
        catalog: flags.catalog,
        boost,
        minCount: flags['min-count'],
        maxSuccessors: defaults.maxSuccessors,
        repeats: flags.repeats,
        calls: flags.calls,
        prefetchCalls: flags['prefetch-calls'],
        statusMs: flags['status-ms'],
        onProgress: json ? undefined : (what) => process.stderr.write(`${what}\n`),
      });
    } catch (error) {
      this.error(error instanceof Error ? error.message : String(error), { exit: 1 });
    }
    if (!json) {
      this.log(`ranking (boost ${result.boost}, minCount ${result.minCount}):`);
      this.log(
        renderTable(
          ['WORKLOAD', 'STEPS', 'LEARNED', 'HIT@1 OFF', 'HIT@1 ON', 'HIT@5 OFF', 'HIT@5 ON'],
          result.ranking.map((r) => [
            r.workload,
            String(r.steps),
            String(r.covered),
            r.without.hit1.toFixed(3),
            r.with.hit1.toFixed(3),
            r.without.hit5.toFixed(3),
            r.with.hit5.toFixed(3),
          ]),
        ),
      );
      this.log('\nlatency of the predicted next call:');
      this.log(
        renderTable(
          ['WARMING', 'CALLS/ARM', 'COLD P50 MS', 'WARM P50 MS', 'COLD MEAN MS', 'WARM MEAN MS'],
          result.latency.map((l) => [
            l.name,
            String(l.cold.calls),
            l.cold.p50Ms.toFixed(3),
            l.warm.p50Ms.toFixed(3),
            l.cold.meanMs.toFixed(3),
            l.warm.meanMs.toFixed(3),
          ]),
        ),
      );
      for (const l of result.latency) this.log(`${l.name}: ${l.what}`);
      for (const note of result.notes) this.log(note);
    }
    return result;
  }
}
