import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkUpsertBatch, checkVector, commitManifest, readManifest } from '@localmcp/plugin-api';
import type { HookOptions, SearchBackend, VectorHit, VectorRecord, VectorSearchOptions } from '@localmcp/plugin-api';
// hnswlib-node is CommonJS whose exports come from a native addon, so Node cannot see named exports statically.
import hnswlib from 'hnswlib-node';
import type { HierarchicalNSW } from 'hnswlib-node';
import type { HnswOptions } from './options.js';

const MANIFEST = 'hnsw-index.json';
const FORMAT = 'localmcp-hnsw-index';
const VERSION = 1;
const INDEX_FILE = /^hnsw-[0-9a-f-]+\.bin$/;

/** What persist() writes next to hnswlib's own file: the id of every live label, and that file's name. */
interface Manifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  dimensions: number;
  /** hnswlib's index file, or null for an index that never held a vector. */
  index: string | null;
  nextLabel: number;
  labels: Array<[label: number, id: string]>;
}

/**
 * A SearchBackend on hnswlib's HierarchicalNSW in cosine space. hnswlib keys points by integer labels, so ids map
 * to labels both ways. A new id always gets a fresh label: removal only marks a label deleted, and the index is
 * opened with `allowReplaceDeleted`, so the slot of a removed vector is reused by the next new one instead of
 * growing the graph. A filter runs inside hnswlib's search (its filter callback), so filtered results are the
 * nearest accepted ones, not a post-filtered remainder.
 *
 * The first vector fixes the dimension; another dimension is accepted only while the index is empty.
 */
export class HnswSearchBackend implements SearchBackend {
  readonly #options: HnswOptions;
  #index: HierarchicalNSW | undefined;
  #dimensions = 0;
  readonly #labels = new Map<string, number>();
  readonly #ids = new Map<number, string>();
  #nextLabel = 0;
  /** Slots marked deleted, which the next new ids take over. */
  #deleted = 0;

  constructor(options: HnswOptions) {
    this.#options = options;
  }

  size(): number {
    return this.#labels.size;
  }

  async upsert(records: VectorRecord[], options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (records.length === 0) return;
    const dimensions = checkUpsertBatch(records, this.#labels.size, this.#dimensions);
    if (this.#index === undefined || dimensions !== this.#dimensions) this.#reset(dimensions, records.length);
    const index = this.#index!;
    for (const { id, vector } of records) {
      const point = Array.from(vector);
      const existing = this.#labels.get(id);
      if (existing !== undefined) {
        index.addPoint(point, existing); // an existing label is updated in place
        continue;
      }
      const label = this.#nextLabel++;
      if (this.#deleted > 0) {
        index.addPoint(point, label, true);
        this.#deleted--;
      } else {
        if (index.getCurrentCount() >= index.getMaxElements()) index.resizeIndex(index.getMaxElements() * 2);
        index.addPoint(point, label);
      }
      this.#labels.set(id, label);
      this.#ids.set(label, id);
    }
  }

  async remove(ids: string[], options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    for (const id of ids) {
      const label = this.#labels.get(id);
      if (label === undefined) continue;
      this.#index!.markDelete(label);
      this.#labels.delete(id);
      this.#ids.delete(label);
      this.#deleted++;
    }
  }

  async search(vector: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]> {
    options.signal?.throwIfAborted();
    const count = this.#labels.size;
    const k = Math.min(Math.floor(options.limit), count);
    if (count === 0 || !(k > 0)) return [];
    checkVector(vector, this.#dimensions, 'the query vector');
    const index = this.#index!;
    index.setEf(Math.max(this.#options.efSearch, k));
    const { filter } = options;
    const ids = this.#ids;
    const { neighbors, distances } = filter
      ? index.searchKnn(Array.from(vector), k, (label) => {
          const id = ids.get(label);
          return id !== undefined && filter(id);
        })
      : index.searchKnn(Array.from(vector), k);
    // Cosine space: distance = 1 - cosine.
    return neighbors.map((label, i) => ({ id: ids.get(label)!, score: 1 - distances[i]! }));
  }

  /**
   * Writes hnswlib's file under a fresh name, then points `hnsw-index.json` (labels ↔ ids) at it with a temp file
   * and a rename: the manifest is the commit, so a crash leaves the previous pair readable.
   */
  async persist(dir: string, options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    await mkdir(dir, { recursive: true });
    const manifest: Manifest = {
      format: FORMAT,
      version: VERSION,
      dimensions: this.#dimensions,
      index: this.#index ? `hnsw-${randomUUID()}.bin` : null,
      nextLabel: this.#nextLabel,
      labels: [...this.#ids],
    };
    // Synchronous on purpose: hnswlib's async writeIndex reads the graph on a worker thread, which would race an
    // upsert made meanwhile on this one. The labels above and the file below are one consistent snapshot.
    if (manifest.index !== null) this.#index!.writeIndexSync(join(dir, manifest.index));
    await commitManifest(dir, MANIFEST, manifest, INDEX_FILE, manifest.index);
  }

  async load(dir: string, options: HookOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    const text = await readManifest(dir, MANIFEST);
    if (text === undefined) return false;
    const manifest = parseManifest(text, dir);
    let index: HierarchicalNSW | undefined;
    if (manifest.index !== null) {
      // A fresh object nobody else sees yet, so the async read cannot race anything.
      index = new hnswlib.HierarchicalNSW('cosine', manifest.dimensions);
      await index.readIndex(join(dir, manifest.index), true);
      if (index.getCurrentCount() < manifest.labels.length) {
        throw new Error(`the hnsw index in ${dir} is corrupt: ${manifest.index} holds fewer vectors than its manifest`);
      }
    }
    this.#index = index;
    this.#dimensions = manifest.dimensions;
    this.#nextLabel = manifest.nextLabel;
    this.#labels.clear();
    this.#ids.clear();
    for (const [label, id] of manifest.labels) {
      this.#labels.set(id, label);
      this.#ids.set(label, id);
    }
    this.#deleted = index ? index.getCurrentCount() - manifest.labels.length : 0;
    return true;
  }

  async close(): Promise<void> {
    this.#index = undefined; // the native index is freed with its wrapper
    this.#labels.clear();
    this.#ids.clear();
  }

  /** A new, empty graph for `dimensions`, with room for `atLeast` vectors. */
  #reset(dimensions: number, atLeast: number): void {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    index.initIndex({
      maxElements: Math.max(this.#options.initialCapacity, atLeast),
      m: this.#options.m,
      efConstruction: this.#options.efConstruction,
      allowReplaceDeleted: true,
    });
    this.#index = index;
    this.#dimensions = dimensions;
    this.#labels.clear();
    this.#ids.clear();
    this.#deleted = 0;
  }
}

function parseManifest(text: string, dir: string): Manifest {
  const corrupt = (why: string) => new Error(`the hnsw index in ${dir} is corrupt: ${MANIFEST} ${why}`);
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw corrupt('is not JSON');
  }
  if (value.format !== FORMAT || value.version !== VERSION) throw corrupt(`is not format ${FORMAT} v${VERSION}`);
  const { dimensions, index, nextLabel, labels } = value;
  // The file name comes from disk: accept only what persist() writes, never a path.
  if (index !== null && (typeof index !== 'string' || !INDEX_FILE.test(index))) throw corrupt('names no index file');
  if (!Number.isInteger(dimensions) || dimensions! < (index === null ? 0 : 1)) throw corrupt('has no dimensions');
  if (!Number.isSafeInteger(nextLabel) || nextLabel! < 0) throw corrupt('has no next label');
  const valid =
    Array.isArray(labels) &&
    labels.every(
      (entry) =>
        Array.isArray(entry) &&
        Number.isSafeInteger(entry[0]) &&
        entry[0] >= 0 &&
        entry[0] < nextLabel! &&
        typeof entry[1] === 'string',
    ) &&
    new Set(labels.map(([label]) => label)).size === labels.length &&
    new Set(labels.map(([, id]) => id)).size === labels.length &&
    (index !== null || labels.length === 0);
  if (!valid) throw corrupt('has no valid label list');
  return value as Manifest;
}
