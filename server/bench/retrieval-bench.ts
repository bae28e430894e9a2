// `localmcp bench retrieval`: how well and how fast the embedded lexical engine finds the tools a query needs,
// and how many tokens searching saves against sending every schema. Figures are means over queries.

import { performance } from 'node:perf_hooks';
import type { ToolDocument } from '@localmcp/plugin-api';
import {
  LexicalIndex,
  type LexicalHit,
  type LexicalIndexOptions,
  type RankingStrategy,
} from '../discovery/lexical/lexical-index.js';
import { halfOf, readCatalog, readDistractors, readQueries, type BenchQuery } from './retrieval-data.js';
import { meanMetrics, queryMetrics, type QueryMetrics } from './retrieval-metrics.js';
import { percentile } from './stats.js';

/** The report, with exactly the keys `bench retrieval --json` prints. */
export interface RetrievalReport extends QueryMetrics {
  /** Tokens (characters / 4) of every tool's name, description and inputSchema: what tools/list sends. */
  tokensAll: number;
  /** Tokens of what search_tools returns for 5 results, averaged over queries. */
  tokensTop5: number;
  tokensSavedPct: number;
  searchP50Ms: number;
  searchP99Ms: number;
  indexMs: number;
  tools: number;
  queries: number;
}

export interface RetrievalBenchInput {
  tools: readonly ToolDocument[];
  queries: readonly BenchQuery[];
  strategy?: RankingStrategy;
  index?: LexicalIndexOptions;
  /** Timed passes over all queries after the warm-up pass (more passes, steadier percentiles). Default 3. */
  rounds?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RetrievalBenchFiles {
  catalog: string;
  queries: string;
  distractors?: string;
  /** Only one half of the queries, split by task (see halfOf). */
  half?: 1 | 2;
  strategy?: RankingStrategy;
  rounds?: number;
  onProgress?: (done: number, total: number) => void;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const tokens = (value: unknown) => JSON.stringify(value).length / 4;

/** What search_tools returns for these hits (the shape whose size tokensTop5 measures). */
export function searchToolsPayload(hits: readonly LexicalHit[], toolOf: (id: string) => ToolDocument | undefined) {
  return {
    tools: hits.map((hit) => {
      const tool = toolOf(hit.id);
      return {
        name: tool?.name ?? hit.id,
        server: hit.server,
        description: tool?.description,
        inputSchema: tool?.inputSchema,
        score: round(hit.score, 3),
        reason: hit.reason,
      };
    }),
  };
}

/** Indexes `tools`, runs every query and measures ranking quality, payload size and latency. */
export function runRetrievalBench(input: RetrievalBenchInput): RetrievalReport {
  const { queries, strategy = 'two-stage', rounds = 3 } = input;
  // One document per id, the last one winning, as the index keeps them (the registry repeats a few tools).
  const byId = new Map(input.tools.map((t) => [t.id, t]));
  const tools = [...byId.values()];
  const started = performance.now();
  const index = new LexicalIndex(input.index);
  index.upsert(tools);
  const indexMs = performance.now() - started;

  const serverOf = (id: string) => byId.get(id)?.server;
  const search = (query: string) => index.search(query, { limit: 10, strategy });
  const total = queries.length * (rounds + 1);
  let done = 0;
  const progress = () => input.onProgress?.(++done, total);

  const perQuery: QueryMetrics[] = [];
  let top5Tokens = 0;
  for (const q of queries) {
    const hits = search(q.query); // the warm-up pass, which also gives the rankings
    perQuery.push(
      queryMetrics(
        hits.map((h) => h.id),
        q.gold,
        serverOf,
      ),
    );
    top5Tokens += tokens(searchToolsPayload(hits.slice(0, 5), (id) => byId.get(id)));
    progress();
  }
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t0 = performance.now();
      search(q.query);
      samples.push(performance.now() - t0);
      progress();
    }
  }
  samples.sort((a, b) => a - b);

  const all = tokens({
    tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
  });
  const top5 = queries.length ? top5Tokens / queries.length : 0;
  const metrics = meanMetrics(perQuery);
  return {
    hit1: round(metrics.hit1, 3),
    hit5: round(metrics.hit5, 3),
    recall5: round(metrics.recall5, 3),
    recall10: round(metrics.recall10, 3),
    ndcg5: round(metrics.ndcg5, 3),
    mrr: round(metrics.mrr, 3),
    serverRecall5: round(metrics.serverRecall5, 3),
    tokensAll: Math.round(all),
    tokensTop5: Math.round(top5),
    tokensSavedPct: all > 0 ? round(100 * (1 - top5 / all), 2) : 0,
    searchP50Ms: round(percentile(samples, 50) || 0, 3),
    searchP99Ms: round(percentile(samples, 99) || 0, 3),
    indexMs: round(indexMs, 1),
    tools: index.size(),
    queries: queries.length,
  };
}

/** Reads the benchmark files and runs the benchmark (catalog and distractors indexed together). */
export async function benchRetrieval(files: RetrievalBenchFiles): Promise<RetrievalReport> {
  const [catalog, queries, distractors] = await Promise.all([
    readCatalog(files.catalog),
    readQueries(files.queries),
    files.distractors ? readDistractors(files.distractors) : Promise.resolve([]),
  ]);
  return runRetrievalBench({
    tools: [...catalog, ...distractors],
    queries: files.half ? halfOf(queries, files.half) : queries,
    strategy: files.strategy,
    rounds: files.rounds,
    onProgress: files.onProgress,
  });
}
