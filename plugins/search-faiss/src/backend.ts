import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkUpsertBatch, checkVector, commitManifest, readManifest } from '@localmcp/plugin-api';
import type { HookOptions, SearchBackend, VectorHit, VectorRecord, VectorSearchOptions } from '@localmcp/plugin-api';
import type { IndexFlatIP } from 'faiss-node';
import type { FaissBinding } from './native.js';
import type { FaissOptions } from './options.js';

const MANIFEST = 'faiss-index.json';
const FORMAT = 'localmcp-faiss-index';
const VERSION = 1;
const INDEX_FILE = /^faiss-[0-9a-f-]+\.index$/;

/** What persist() writes next to faiss's own file: the id of every row, in row order, and that file's name. */
interface Manifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  dimensions: number;
  /** faiss's index file, or null for an index that never held a vector. */
  index: string | null;
  ids: string[];
}

/**
 * A SearchBackend on a FAISS IndexFlatIP holding L2-normalised vectors, so inner product is cosine and search is
 * exact. faiss labels a flat index's vectors by row (0..n-1), and removal compacts the rows in order, so the ids
 * are kept as an array in row order: remove deletes the same positions from it, and replacing an id is a removal
 * plus an append. faiss-node has no search-time filter, so a filter over-fetches and retries (see overFetch).
 *
 * The first vector fixes the dimension; another dimension is accepted only while the index is empty.
 */
export class FaissSearchBackend implements SearchBackend {
  readonly #faiss: FaissBinding;
  readonly #options: FaissOptions;
  #index: IndexFlatIP | undefined;
  #dimensions = 0;
  #ids: string[] = [];
  #rows = new Map<string, number>();

  constructor(faiss: FaissBinding, options: FaissOptions) {
    this.#faiss = faiss;
    this.#options = options;
  }

  size(): number {
    return this.#ids.length;
  }

  async upsert(records: VectorRecord[], options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (records.length === 0) return;
    const dimensions = checkUpsertBatch(records, this.#ids.length, this.#dimensions);
    if (this.#index === undefined || dimensions !== this.#dimensions) {
      this.#index = new this.#faiss.IndexFlatIP(dimensions);
      this.#dimensions = dimensions;
    }
    const latest = new Map<string, ArrayLike<number>>(); // the last record of an id wins
    for (const { id, vector } of records) latest.set(id, vector);
    this.#removeRows([...latest.keys()].flatMap((id) => this.#rows.get(id) ?? []));
    const flat = new Array<number>(latest.size * dimensions);
    let offset = 0;
    for (const vector of latest.values()) offset = writeNormalised(flat, offset, vector);
    this.#index.add(flat);
    for (const id of latest.keys()) {
      this.#rows.set(id, this.#ids.length);
      this.#ids.push(id);
    }
  }

  async remove(ids: string[], options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    this.#removeRows(ids.flatMap((id) => this.#rows.get(id) ?? []));
  }

  async search(vector: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]> {
    options.signal?.throwIfAborted();
    const count = this.#ids.length;
    const k = Math.min(Math.floor(options.limit), count);
    if (count === 0 || !(k > 0)) return [];
    checkVector(vector, this.#dimensions, 'the query vector');
    const query = new Array<number>(this.#dimensions);
    writeNormalised(query, 0, vector);
    const { filter } = options;
    let fetch = filter ? Math.min(count, k * this.#options.overFetch) : k;
    for (;;) {
      const { labels, distances } = this.#index!.search(query, fetch);
      const hits: VectorHit[] = [];
      for (let i = 0; i < labels.length && hits.length < k; i++) {
        const id = this.#ids[labels[i]!];
        if (id !== undefined && (!filter || filter(id))) hits.push({ id, score: distances[i]! });
      }
      if (hits.length === k || fetch === count) return hits;
      fetch = Math.min(count, fetch * 4);
    }
  }

  /**
   * Writes faiss's file under a fresh name (through a temp file), then points `faiss-index.json` (the ids in row
   * order) at it with a temp file and a rename: the manifest is the commit, so a crash leaves the previous pair.
   */
  async persist(dir: string, options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    await mkdir(dir, { recursive: true });
    const manifest: Manifest = {
      format: FORMAT,
      version: VERSION,
      dimensions: this.#dimensions,
      index: this.#index ? `faiss-${randomUUID()}.index` : null,
      ids: [...this.#ids],
    };
    if (manifest.index !== null) {
      const temp = join(dir, `${manifest.index}.tmp`);
      // Synchronous and on this thread: the ids above and the file are one snapshot. A faiss I/O error arrives
      // as a JavaScript Error (the addon is built with NODE_ADDON_API_CPP_EXCEPTIONS_ALL).
      try {
        this.#index!.write(temp);
        await rename(temp, join(dir, manifest.index));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    }
    await commitManifest(dir, MANIFEST, manifest, INDEX_FILE, manifest.index);
  }

  async load(dir: string, options: HookOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    const text = await readManifest(dir, MANIFEST);
    if (text === undefined) return false;
    const manifest = parseManifest(text, dir);
    let index: IndexFlatIP | undefined;
    if (manifest.index !== null) {
      index = this.#faiss.IndexFlatIP.read(join(dir, manifest.index));
      if (index.getDimension() !== manifest.dimensions || index.ntotal() !== manifest.ids.length) {
        throw new Error(
          `the faiss index in ${dir} is corrupt: ${manifest.index} holds ${index.ntotal()} vectors of ` +
            `${index.getDimension()} dimensions, its manifest ${manifest.ids.length} of ${manifest.dimensions}`,
        );
      }
    }
    this.#index = index;
    this.#dimensions = manifest.dimensions;
    this.#ids = manifest.ids;
    this.#rows = new Map(manifest.ids.map((id, row) => [id, row]));
    return true;
  }

  async close(): Promise<void> {
    this.#index = undefined; // the native index is freed with its wrapper
    this.#ids = [];
    this.#rows.clear();
  }

  /** Removes rows from faiss and from the id list; both compact in order, so they stay aligned. */
  #removeRows(rows: number[]): void {
    if (rows.length === 0) return;
    const removed = this.#index!.removeIds(rows);
    if (removed !== rows.length) {
      throw new Error(`faiss removed ${removed} of ${rows.length} vectors; the index is out of step with its ids`);
    }
    const gone = new Set(rows);
    this.#ids = this.#ids.filter((_, row) => !gone.has(row));
    this.#rows = new Map(this.#ids.map((id, row) => [id, row]));
  }
}

/** Writes `vector / ‖vector‖` into `target` from `offset`; returns the offset after it. A zero vector stays zero. */
function writeNormalised(target: number[], offset: number, vector: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < vector.length; i++) target[offset + i] = vector[i]! * scale;
  return offset + vector.length;
}

function parseManifest(text: string, dir: string): Manifest {
  const corrupt = (why: string) => new Error(`the faiss index in ${dir} is corrupt: ${MANIFEST} ${why}`);
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw corrupt('is not JSON');
  }
  if (value.format !== FORMAT || value.version !== VERSION) throw corrupt(`is not format ${FORMAT} v${VERSION}`);
  const { dimensions, index, ids } = value;
  // The file name comes from disk: accept only what persist() writes, never a path.
  if (index !== null && (typeof index !== 'string' || !INDEX_FILE.test(index))) throw corrupt('names no index file');
  if (!Number.isInteger(dimensions) || dimensions! < (index === null ? 0 : 1)) throw corrupt('has no dimensions');
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string') || new Set(ids).size !== ids.length) {
    throw corrupt('has no list of unique ids');
  }
  if (index === null && ids.length > 0) throw corrupt('lists ids but no index file');
  return value as Manifest;
}
