import { checkUpsertBatch, checkVector } from '@localmcp/plugin-api';
import type { HookOptions, SearchBackend, VectorHit, VectorRecord, VectorSearchOptions } from '@localmcp/plugin-api';
import type { Options } from './options.js';

/**
 * An exact index in memory: vectors are stored L2-normalised, so a dot product is their cosine similarity, and a
 * search scores every vector. Replace the storage and the scan with your engine; keep the contract: ids are the
 * tools' public names, the first batch fixes the dimension, an empty result is a result (not an error), and every
 * hook honours its AbortSignal.
 */
export class {{className}} implements SearchBackend {
  readonly #vectors = new Map<string, Float32Array>();
  #dimensions = 0;

  constructor(private readonly options: Options) {}

  async upsert(records: VectorRecord[], options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (records.length === 0) return;
    // Checks the whole batch first (dimensions, finite numbers, ids), so a bad record changes nothing.
    this.#dimensions = checkUpsertBatch(records, this.#vectors.size, this.#dimensions);
    for (const { id, vector } of records) this.#vectors.set(id, normalised(vector));
  }

  async remove(ids: string[], options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    for (const id of ids) this.#vectors.delete(id);
  }

  async search(vector: Float32Array, { limit, filter, signal }: VectorSearchOptions): Promise<VectorHit[]> {
    signal?.throwIfAborted();
    if (this.#vectors.size === 0 || limit < 1) return [];
    checkVector(vector, this.#dimensions, 'the query vector');
    const query = normalised(vector);
    const hits: VectorHit[] = [];
    for (const [id, stored] of this.#vectors) {
      if (filter && !filter(id)) continue;
      let score = 0;
      for (let i = 0; i < stored.length; i++) score += stored[i]! * query[i]!;
      if (score >= this.options.minScore) hits.push({ id, score });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  size(): number {
    return this.#vectors.size;
  }
}

function normalised(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  return Float32Array.from(vector, (x) => x * scale);
}
