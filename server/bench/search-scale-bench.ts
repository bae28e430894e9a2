import type { SearchBackend } from '@localmcp/plugin-api';
import { percentile } from './stats.js';
import { mulberry32 } from '../util/random.js';

export interface SearchScaleOptions {
  /** Catalog sizes to build, e.g. [1000, 10000, 100000]. */
  sizes: number[];
  /** The backends to measure, by plugin id, each a factory of a fresh, empty index. */
  backends: Array<{ id: string; create: () => Promise<SearchBackend> }>;
  dimensions: number;
  queries: number;
  /** Neighbours compared for recall (recall@k against exact search). */
  k: number;
  seed: number;
  /** Upsert batch size (the gateway upserts the catalog in batches too). */
  batch?: number;
  onProgress?: (step: string) => void;
}

export interface SearchScaleRow {
  backend: string;
  tools: number;
  buildMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of the exact top-k found in the backend's top-k, averaged over the queries. */
  recallAtK: number;
  error?: string;
}

/**
 * Synthetic tool vectors (seeded Gaussian, L2-normalised, with a cluster structure like real tool embeddings)
 * indexed in every backend at every size: build time, search latency and recall against exact cosine search,
 * all in one run so the rows compare.
 */
export async function benchSearchScale(options: SearchScaleOptions): Promise<{ rows: SearchScaleRow[] }> {
  const rows: SearchScaleRow[] = [];
  for (const size of options.sizes) {
    const random = mulberry32(options.seed + size);
    const vectors = clustered(size, options.dimensions, random);
    const queries = clustered(options.queries, options.dimensions, random, vectors);
    const truth = queries.map((q) => exactTopK(vectors, q, options.k));
    for (const backend of options.backends) {
      options.onProgress?.(`${backend.id} × ${size.toLocaleString('en')}`);
      rows.push(await measure(backend, size, vectors, queries, truth, options));
    }
  }
  return { rows };
}

async function measure(
  backend: SearchScaleOptions['backends'][number],
  size: number,
  vectors: Float32Array[],
  queries: Float32Array[],
  truth: Set<string>[],
  options: SearchScaleOptions,
): Promise<SearchScaleRow> {
  const row: SearchScaleRow = { backend: backend.id, tools: size, buildMs: 0, p50Ms: 0, p99Ms: 0, recallAtK: 0 };
  let index: SearchBackend | undefined;
  try {
    index = await backend.create();
    const batch = options.batch ?? 1_000;
    const started = performance.now();
    for (let i = 0; i < size; i += batch) {
      const records = [];
      for (let j = i; j < Math.min(size, i + batch); j++) records.push({ id: `t${j}`, vector: vectors[j]! });
      await index.upsert(records);
    }
    row.buildMs = Math.round(performance.now() - started);
    const latencies: number[] = [];
    let found = 0;
    for (const [q, query] of queries.entries()) {
      const t0 = performance.now();
      const hits = await index.search(query, { limit: options.k });
      latencies.push(performance.now() - t0);
      found += hits.filter((hit) => truth[q]!.has(hit.id)).length;
    }
    latencies.sort((a, b) => a - b);
    row.p50Ms = round(percentile(latencies, 50));
    row.p99Ms = round(percentile(latencies, 99));
    row.recallAtK = round(found / (queries.length * options.k));
  } catch (error) {
    row.error = error instanceof Error ? error.message : String(error);
  } finally {
    await index?.close?.().catch(() => undefined);
  }
  return row;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function exactTopK(vectors: Float32Array[], query: Float32Array, k: number): Set<string> {
  const scored = vectors.map((v, i) => [dot(v, query), i] as const);
  scored.sort((a, b) => b[0] - a[0]);
  return new Set(scored.slice(0, k).map(([, i]) => `t${i}`));
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * Vectors around `count / 50` centres (or, for queries, near random members of `near`): real tool embeddings
 * are clustered by topic, and uniform random vectors would make approximate indexes look worse than they are.
 */
function clustered(count: number, dimensions: number, random: () => number, near?: Float32Array[]): Float32Array[] {
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const centres = near ?? Array.from({ length: Math.max(1, Math.ceil(count / 50)) }, () => unit(dimensions, gaussian));
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(random() * centres.length)]!;
    const v = new Float32Array(dimensions);
    for (let i = 0; i < dimensions; i++) v[i] = centre[i]! + 0.35 * (gaussian() / Math.sqrt(dimensions));
    return normalise(v);
  });
}

function unit(dimensions: number, gaussian: () => number): Float32Array {
  const v = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) v[i] = gaussian();
  return normalise(v);
}

function normalise(v: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(v, v)) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}
