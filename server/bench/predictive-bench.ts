// `localmcp bench predictive`: what predictive pre-loading changes, measured side by side in one run.
// (i) ranking: Hit@1/Hit@5 of each task step's query with and without the boost after the previous step's tool, on
//     the LiveMCPBench multi-step tasks (held out: leave one task out) and on a labelled synthetic workload where
//     every task's tool sequence recurs;
// (ii) latency: the first call of a predicted next tool with warming against one without, through a real gateway.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { GatewayConfigSchema } from '../config/schema.js';
import { toUpstreams } from '../config/upstreams.js';
import { LexicalIndex } from '../discovery/lexical/lexical-index.js';
import { boostSuccessors } from '../discovery/predictive/boost.js';
import { ToolTransitions } from '../discovery/predictive/transitions.js';
import { ArgumentValidator } from '../discovery/argument-validator.js';
import { Gateway } from '../gateway/gateway.js';
import { silentLogger } from '../telemetry/logger.js';
import { parseCatalog } from './retrieval-data.js';
import { summarize, type LatencySummary } from './stats.js';

export const DEFAULT_STEPS = '/work/shared/data/toolret/livemcp_step_queries.jsonl';
export const DEFAULT_CATALOG = '/work/shared/data/toolret/livemcp_catalog.jsonl';

const StepSchema = z.object({
  task_id: z.string(),
  step: z.number().int(),
  query: z.string(),
  gold_tool_ids: z.array(z.string()),
});

export interface RankingArm {
  hit1: number;
  hit5: number;
}

/** One ranking workload: the steps evaluated and Hit@k without and with the boost. */
export interface RankingResult {
  workload: string;
  /** Steps evaluated (each has a previous step whose tool is known). */
  steps: number;
  /** Of those, how many had their (previous → gold) transition learned with at least `minCount` observations. */
  covered: number;
  without: RankingArm;
  with: RankingArm;
}

export interface LatencyArm extends LatencySummary {
  calls: number;
}

export interface LatencyResult {
  name: string;
  what: string;
  cold: LatencyArm;
  warm: LatencyArm;
}

export interface PredictiveBenchResult {
  boost: number;
  minCount: number;
  ranking: RankingResult[];
  latency: LatencyResult[];
  notes: string[];
}

export interface PredictiveBenchOptions {
  steps?: string;
  catalog?: string;
  boost: number;
  minCount: number;
  maxSuccessors: number;
  /** How often each workflow ran before, in the synthetic recurring workload. */
  repeats: number;
  /** Successor calls per arm in the latency part (validator); at most half the distinct catalog schemas. */
  calls: number;
  /** Prefetch trials per arm and the upstream latency of the prefetchable tool. */
  prefetchCalls: number;
  statusMs: number;
  onProgress?: (what: string) => void;
}

interface Task {
  id: string;
  steps: Array<{ query: string; gold: string[] }>;
}

async function readTasks(file: string): Promise<Task[]> {
  const tasks = new Map<string, Array<z.infer<typeof StepSchema>>>();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const step = StepSchema.parse(JSON.parse(line));
    tasks.set(step.task_id, [...(tasks.get(step.task_id) ?? []), step]);
  }
  return [...tasks].map(([id, steps]) => ({
    id,
    steps: steps.sort((a, b) => a.step - b.step).map((s) => ({ query: s.query, gold: s.gold_tool_ids })),
  }));
}

/** Teaches `model` a task's tool sequence (the first acceptable id of each step; unresolved steps break it). */
function learn(model: ToolTransitions, task: Task): void {
  for (let i = 1; i < task.steps.length; i++) {
    const from = task.steps[i - 1]!.gold[0];
    const to = task.steps[i]!.gold[0];
    if (from !== undefined && to !== undefined) model.observe(from, to);
  }
}

function evaluate(
  workload: string,
  index: LexicalIndex,
  tasks: Task[],
  modelFor: (task: Task) => ToolTransitions,
  options: PredictiveBenchOptions,
): RankingResult {
  const arms = { without: { hit1: 0, hit5: 0 }, with: { hit1: 0, hit5: 0 } };
  let steps = 0;
  let covered = 0;
  for (const task of tasks) {
    const model = modelFor(task);
    for (let i = 1; i < task.steps.length; i++) {
      const after = task.steps[i - 1]!.gold[0];
      const { query, gold } = task.steps[i]!;
      if (after === undefined || gold.length === 0) continue;
      steps++;
      const hits = index
        .search(query, { limit: 10 + options.maxSuccessors })
        .map((hit) => ({ name: hit.id, score: hit.score, reason: hit.reason }));
      const successors = model.successors(after, { minCount: options.minCount });
      if (successors.some((s) => gold.includes(s.tool))) covered++;
      const boosted = boostSuccessors(hits, after, successors, options.boost, 10);
      for (const [arm, ranked] of [
        ['without', hits.slice(0, 10)],
        ['with', boosted],
      ] as const) {
        const rank = ranked.findIndex((r) => gold.includes(r.name));
        if (rank === 0) arms[arm].hit1++;
        if (rank >= 0 && rank < 5) arms[arm].hit5++;
      }
    }
  }
  const rate = (n: number) => Math.round((n / Math.max(1, steps)) * 1000) / 1000;
  return {
    workload,
    steps,
    covered,
    without: { hit1: rate(arms.without.hit1), hit5: rate(arms.without.hit5) },
    with: { hit1: rate(arms.with.hit1), hit5: rate(arms.with.hit5) },
  };
}

async function benchRanking(options: PredictiveBenchOptions, catalogFile: string): Promise<RankingResult[]> {
  const tasks = (await readTasks(options.steps ?? DEFAULT_STEPS)).filter((t) => t.steps.length > 1);
  const index = new LexicalIndex();
  index.upsert(parseCatalog(await readFile(catalogFile, 'utf8'), catalogFile));
  const fresh = () => new ToolTransitions({ maxSuccessors: options.maxSuccessors });
  options.onProgress?.('ranking: held-out tasks');
  // Held out: each task is ranked with what the other tasks taught (its own sequence never seen).
  const heldOut = evaluate(
    `held out: LiveMCPBench, ${tasks.length} tasks, leave one out`,
    index,
    tasks,
    (task) => {
      const model = fresh();
      for (const other of tasks) if (other !== task) learn(model, other);
      return model;
    },
    options,
  );
  options.onProgress?.('ranking: recurring workflows');
  // Synthetic: the same tasks as workflows that recur, each sequence run `repeats` times before (interleaved).
  const recurring = fresh();
  for (let r = 0; r < options.repeats; r++) for (const task of tasks) learn(recurring, task);
  const synthetic = evaluate(
    `synthetic: same tasks recurring, each seen ${options.repeats}×`,
    index,
    tasks,
    () => recurring,
    options,
  );
  return [heldOut, synthetic];
}

/** Minimal arguments a schema accepts: each required property given a value of its type (enum: its first). */
function minimalArguments(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const args: Record<string, unknown> = {};
  for (const name of (schema.required ?? []) as string[]) {
    const property = properties[name] ?? {};
    const type = Array.isArray(property.type) ? property.type[0] : property.type;
    args[name] = Array.isArray(property.enum)
      ? property.enum[0]
      : type === 'number' || type === 'integer'
        ? Math.max(1, Number(property.minimum ?? 1))
        : type === 'boolean'
          ? true
          : type === 'array'
            ? []
            : type === 'object'
              ? {}
              : 'x';
  }
  return args;
}

function schemaServer(): { command: string; args: string[] } {
  const ext = extname(fileURLToPath(import.meta.url));
  const path = fileURLToPath(new URL(`./schema-server${ext}`, import.meta.url));
  return { command: process.execPath, args: ext === '.ts' ? ['--import', 'tsx', path] : [path] };
}

async function benchLatency(options: PredictiveBenchOptions, catalogFile: string): Promise<LatencyResult[]> {
  const statusTools = options.prefetchCalls * 2;
  const config = GatewayConfigSchema.parse({
    mcpServers: {
      bench: {
        ...schemaServer(),
        env: {
          BENCH_CATALOG: catalogFile,
          BENCH_STATUS_TOOLS: String(statusTools),
          BENCH_STATUS_MS: String(options.statusMs),
        },
      },
    },
    discovery: {
      mode: 'discovery',
      predictive: { minCount: options.minCount, maxSuccessors: options.maxSuccessors, prefetch: true },
    },
    cache: { enabled: true },
  });
  const gateway = new Gateway({ config, upstreams: toUpstreams(config), logger: silentLogger() });
  await gateway.start();
  try {
    const predictive = gateway.discovery.predictive!;
    const checker = new ArgumentValidator();
    // One successor per distinct schema: the validator caches by content, so a repeated schema is warm in both arms.
    const seen = new Set<string>();
    const candidates = gateway.catalog
      .listTools()
      .filter((e) => /^bench__t\d+$/.test(e.publicName))
      .flatMap((entry) => {
        const schema = entry.item.inputSchema as Record<string, unknown>;
        const key = JSON.stringify(schema);
        const args = minimalArguments(schema);
        if (seen.has(key) || !checker.validate(schema, args).ok) return [];
        seen.add(key);
        return [{ name: entry.publicName, args }];
      })
      .slice(0, options.calls * 2);
    let session = 0;
    /** One trial: a fresh session calls `start`; after warming settles (the model's turn), the timed first call. */
    const trial = async (name: string, args: Record<string, unknown>, warm: boolean) => {
      const id = `bench-${session++}`;
      if (warm) for (let i = 0; i < options.minCount; i++) predictive.transitions.observe('bench__start', name);
      await gateway.discovery.callTool('bench__start', {}, 'discovery', { session: id });
      await predictive.settled();
      const started = performance.now();
      const result = await gateway.discovery.callTool(name, args, 'discovery', { session: id });
      const ms = performance.now() - started;
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      // Forget the transition so the next trial's `start` warms only its own successor.
      predictive.transitions.restore({ version: 1, rows: [] });
      return ms;
    };
    const results: LatencyResult[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    options.onProgress?.('latency: validator warming');
    // Interleaved, so drift (JIT, GC, load) falls on both arms alike.
    for (const [i, candidate] of candidates.entries()) {
      (i % 2 === 0 ? warm : cold).push(await trial(candidate.name, candidate.args, i % 2 === 0));
    }
    const arm = (samples: number[]): LatencyArm => ({ ...summarize(samples, 1), calls: samples.length });
    results.push({
      name: 'validator',
      what: `first call of a real catalog tool (${candidates.length} distinct LiveMCPBench schemas, half per arm) after its predecessor; warm: its validator compiled by prediction`,
      cold: arm(cold),
      warm: arm(warm),
    });

    options.onProgress?.('latency: prefetch');
    const prefetchCold: number[] = [];
    const prefetchWarm: number[] = [];
    for (let i = 0; i < statusTools; i++) {
      (i % 2 === 0 ? prefetchWarm : prefetchCold).push(await trial(`bench__status_${i}`, {}, i % 2 === 0));
    }
    results.push({
      name: 'prefetch',
      what: `first call of a read-only, argument-free tool answering in ${options.statusMs} ms; warm: called ahead into the result cache (prefetch: true)`,
      cold: arm(prefetchCold),
      warm: arm(prefetchWarm),
    });
    return results;
  } finally {
    await gateway.stop(1000);
  }
}

/** Runs both parts; the ranking part needs the data files, the latency part the catalog's schemas. */
export async function benchPredictive(options: PredictiveBenchOptions): Promise<PredictiveBenchResult> {
  const catalogFile = options.catalog ?? DEFAULT_CATALOG;
  const ranking = await benchRanking(options, catalogFile);
  const latency = await benchLatency(options, catalogFile);
  return {
    boost: options.boost,
    minCount: options.minCount,
    ranking,
    latency,
    notes: [
      'Ranking: the lexical index over the 527-tool LiveMCPBench catalog; the boost re-ranks its top 10 + maxSuccessors.',
      'Held-out figures learn only from other tasks; few of their transitions recur, so the boost rarely applies there.',
      'Synthetic figures are an upper bound for recurring workflows: the transitions of each task were seen before.',
      'Latency: time of the successor call through DiscoveryService.callTool (validation, router, stdio upstream).',
      'Prefetch after a predecessor that may write (not read-only) seldom helps: that call invalidates its server in the cache.',
    ],
  };
}
