import { Flags } from '@oclif/core';
import { benchRetrieval, type RetrievalReport } from '../../../server/bench/retrieval-bench.js';
import { renderTable } from '../../table.js';
import { LocalmcpCommand } from '../../command.js';
import { progressBar } from '../../progress.js';

// The rows of the table: metric, value, what it means.
const ROWS: Array<[keyof RetrievalReport, string, string]> = [
  ['hit1', 'Hit@1', 'a needed tool ranked first'],
  ['hit5', 'Hit@5', 'a needed tool in the top 5'],
  ['recall5', 'Recall@5', 'share of the needed tools in the top 5'],
  ['recall10', 'Recall@10', 'share of the needed tools in the top 10'],
  ['ndcg5', 'NDCG@5', 'rank-discounted gain of the top 5'],
  ['mrr', 'MRR', 'mean reciprocal rank of the first needed tool'],
  ['serverRecall5', 'Server recall@5', "share of the needed tools' servers in the top 5"],
  ['tokensAll', 'Tokens, all tools', 'what tools/list sends (characters / 4)'],
  ['tokensTop5', 'Tokens, top 5', 'what search_tools returns for 5 results'],
  ['tokensSavedPct', 'Tokens saved %', '100 × (1 − top 5 / all)'],
  ['searchP50Ms', 'Search p50 ms', 'per query, after a warm-up pass'],
  ['searchP99Ms', 'Search p99 ms', ''],
  ['indexMs', 'Index ms', 'building the index'],
  ['tools', 'Tools', 'indexed (catalog + distractors)'],
  ['queries', 'Queries', 'with at least one needed tool in the catalog'],
];

// Decimals shown per metric (default 3).
const DECIMALS: Partial<Record<keyof RetrievalReport, number>> = {
  tokensAll: 0,
  tokensTop5: 0,
  tokensSavedPct: 2,
  indexMs: 1,
  tools: 0,
  queries: 0,
};

export default class BenchRetrieval extends LocalmcpCommand {
  static override summary = 'Measure tool search: ranking quality, tokens saved and latency, on labelled queries.';
  static override description =
    'Indexes the catalog (and the distractors) with the embedded lexical engine, runs every query and compares the ranking with the gold tools. Query lines give `gold_tool_ids` either as one list of acceptable ids or as one such list per needed tool.';
  static override examples = [
    '<%= config.bin %> bench retrieval --catalog ../shared/data/toolret/livemcp_catalog.jsonl --queries ../shared/data/toolret/livemcp_step_queries.jsonl',
    '<%= config.bin %> bench retrieval --catalog ../shared/data/toolret/livemcp_catalog.jsonl --queries ../shared/data/toolret/livemcp_queries.jsonl --distractors ../shared/data/toolret/toolsdk-registry/packages-list.json --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    catalog: Flags.string({
      summary: 'Catalog JSONL: one tool per line (id, server, name, description, ...).',
      required: true,
    }),
    queries: Flags.string({ summary: 'Queries JSONL: `query` and `gold_tool_ids` per line.', required: true }),
    distractors: Flags.string({ summary: 'A toolsdk-registry packages-list.json, indexed with the catalog.' }),
    strategy: Flags.string({
      summary: 'Servers first, then their tools; or tools alone.',
      options: ['two-stage', 'single-stage'],
      default: 'two-stage',
    }),
    half: Flags.integer({
      summary: 'Only half 1 or 2 of the queries, split by task_id: tune on one half, check on the other.',
      min: 1,
      max: 2,
    }),
    rounds: Flags.integer({ summary: 'Timed passes over the queries after the warm-up pass.', default: 3, min: 1 }),
  };

  async run(): Promise<RetrievalReport> {
    const { flags } = await this.parse(BenchRetrieval);
    const json = this.jsonEnabled();
    let report: RetrievalReport;
    const progress = progressBar('searching', { enabled: !json });
    try {
      report = await benchRetrieval({
        catalog: flags.catalog,
        queries: flags.queries,
        distractors: flags.distractors,
        strategy: flags.strategy as 'two-stage' | 'single-stage',
        half: flags.half as 1 | 2 | undefined,
        rounds: flags.rounds,
        onProgress: progress,
      });
    } catch (error) {
      this.error((error as Error).message, { exit: 1 });
    } finally {
      progress.end();
    }
    if (!json) {
      const format = (key: keyof RetrievalReport) => report[key].toFixed(DECIMALS[key] ?? 3);
      this.log(
        renderTable(
          ['METRIC', 'VALUE', 'MEANING'],
          ROWS.map(([key, label, meaning]) => [label, format(key), meaning]),
          70,
        ),
      );
    }
    return report;
  }
}
