import type { Embedder } from '@localmcp/plugin-api';

/** What L3 needs of an embedder plugin: texts in, vectors out. */
export type TextEmbedder = Pick<Embedder, 'embed'>;

export interface SemanticIndexOptions {
  embedder: TextEmbedder;
  /** Cosine similarity from which two texts count as the same question. */
  threshold: number;
  maxEntries: number;
}

export interface SemanticStats {
  enabled: boolean;
  hits: number;
  misses: number;
  entries: number;
  evictions: number;
  /** Embedder failures: counted, never thrown (the call goes on as a plain miss). */
  errors: number;
}

interface Indexed {
  scope: string;
  vector: Float32Array;
  norm: number;
}

/**
 * L3: finds a cached entry by the similarity of its text rather than by an exact key. It holds vectors only (the
 * entries themselves live in L1/L2, by id), a bounded number of them, least recently matched out first. Texts
 * are compared only within one scope (one tool of one upstream; one model for LLM completions): a similar
 * question to another tool is a different question.
 */
export class SemanticIndex {
  readonly counters = { hits: 0, misses: 0, evictions: 0, errors: 0 };
  // Map order is the eviction order: a match moves its id to the end.
  private readonly vectors = new Map<string, Indexed>();

  constructor(private readonly options: SemanticIndexOptions) {}

  /** The text's vector, or undefined when the embedder fails (counted). */
  async embed(text: string, signal?: AbortSignal): Promise<Float32Array | undefined> {
    try {
      const [vector] = await this.options.embedder.embed([text], { signal });
      if (vector && vector.length > 0) return vector;
    } catch {
      // fall through: an embedder problem must not fail the call
    }
    this.counters.errors++;
    return undefined;
  }

  /** The id whose vector is closest to `vector` in `scope`, if its similarity reaches the threshold. */
  nearest(scope: string, vector: Float32Array): { id: string; similarity: number } | undefined {
    const norm = l2norm(vector);
    let best: { id: string; similarity: number } | undefined;
    for (const [id, item] of this.vectors) {
      if (item.scope !== scope || item.vector.length !== vector.length) continue;
      const similarity = dot(item.vector, vector) / (item.norm * norm || 1);
      if (similarity >= this.options.threshold && (!best || similarity > best.similarity)) best = { id, similarity };
    }
    if (best) {
      const item = this.vectors.get(best.id)!;
      this.vectors.delete(best.id);
      this.vectors.set(best.id, item);
    }
    return best;
  }

  add(scope: string, id: string, vector: Float32Array): void {
    this.vectors.delete(id);
    this.vectors.set(id, { scope, vector, norm: l2norm(vector) });
    while (this.vectors.size > this.options.maxEntries) {
      const oldest = this.vectors.keys().next();
      if (oldest.done) break;
      this.vectors.delete(oldest.value);
      this.counters.evictions++;
    }
  }

  remove(id: string): void {
    this.vectors.delete(id);
  }

  /** Drops the vectors whose scope starts with `scopePrefix` (all without one); returns how many went. */
  clear(scopePrefix?: string): number {
    let count = 0;
    for (const [id, item] of [...this.vectors]) {
      if (scopePrefix !== undefined && !item.scope.startsWith(scopePrefix)) continue;
      this.vectors.delete(id);
      count++;
    }
    return count;
  }

  stats(): SemanticStats {
    return { enabled: true, ...this.counters, entries: this.vectors.size };
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function l2norm(v: Float32Array): number {
  return Math.sqrt(dot(v, v));
}
