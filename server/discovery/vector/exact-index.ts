import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { checkUpsertBatch, checkVector, commitManifest, readManifest } from '@localmcp/plugin-api';
import type { HookOptions, SearchBackend, VectorHit, VectorRecord, VectorSearchOptions } from '@localmcp/plugin-api';
import { TopK } from './top-k.js';

/** Options of {@link ExactIndex}. */
export interface ExactIndexOptions {
  /** Rows allocated up front; the buffer doubles whenever it is full. */
  initialCapacity?: number;
}

const MANIFEST = 'exact-index.json';
const FORMAT = 'localmcp-exact-index';
const VERSION = 1;
const VECTORS_FILE = /^vectors-[0-9a-f-]+\.f32$/;

/** What persist() writes next to the raw vectors: the ids in row order and how to read the vectors file. */
interface Manifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  dimensions: number;
  littleEndian: boolean;
  /** The raw float32 file holding `ids.length * dimensions` values, row after row. */
  vectors: string;
  ids: string[];
}

/**
 * Exact cosine search over one contiguous Float32Array: row `i` holds the L2-normalised vector of `ids[i]`, so the
 * cosine of a normalised query is a dot product and a search is one linear scan with a bounded top-k heap. Removal
 * moves the last row into the hole, so rows stay dense. Exact and dependency-free, it is the default backend; at
 * tens of thousands of tools a scan still takes a few milliseconds, which is why no approximate index is built in.
 *
 * The first vector fixes the dimension; another dimension is accepted only while the index is empty.
 */
export class ExactIndex implements SearchBackend {
  readonly #initialCapacity: number;
  #dimensions = 0;
  #capacity = 0;
  #data = new Float32Array(0);
  #ids: string[] = [];
  readonly #rows = new Map<string, number>();

  constructor(options: ExactIndexOptions = {}) {
    this.#initialCapacity = Math.max(1, Math.floor(options.initialCapacity ?? 1024));
  }

  /** The vector length this index holds; 0 before the first upsert. */
  get dimensions(): number {
    return this.#dimensions;
  }

  size(): number {
    return this.#ids.length;
  }

  async upsert(records: VectorRecord[], options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (records.length === 0) return;
    const dimensions = checkUpsertBatch(records, this.#ids.length, this.#dimensions);

    if (dimensions !== this.#dimensions) {
      this.#dimensions = dimensions;
      this.#capacity = 0;
      this.#data = new Float32Array(0);
    }
    for (const { id, vector } of records) {
      let row = this.#rows.get(id);
      if (row === undefined) {
        row = this.#ids.length;
        this.#grow(row + 1);
        this.#ids.push(id);
        this.#rows.set(id, row);
      }
      writeNormalised(this.#data, row * dimensions, vector);
    }
  }

  async remove(ids: string[], options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const d = this.#dimensions;
    for (const id of ids) {
      const row = this.#rows.get(id);
      if (row === undefined) continue;
      const last = this.#ids.length - 1;
      if (row !== last) {
        const moved = this.#ids[last]!;
        this.#data.copyWithin(row * d, last * d, (last + 1) * d);
        this.#ids[row] = moved;
        this.#rows.set(moved, row);
      }
      this.#ids.pop();
      this.#rows.delete(id);
    }
  }

  async search(vector: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]> {
    options.signal?.throwIfAborted();
    const count = this.#ids.length;
    const k = Math.min(Math.floor(options.limit), count);
    if (count === 0 || !(k > 0)) return [];
    const d = this.#dimensions;
    checkVector(vector, d, 'the query vector');
    const query = new Float32Array(d);
    writeNormalised(query, 0, vector);

    const data = this.#data;
    const { filter } = options;
    const top = new TopK(k);
    for (let row = 0, base = 0; row < count; row++, base += d) {
      let score = 0;
      for (let j = 0; j < d; j++) score += data[base + j]! * query[j]!;
      // The filter may be a closure over gateway state: ask it only about rows that would make the top k.
      if (!top.admits(score)) continue;
      if (filter && !filter(this.#ids[row]!)) continue;
      top.offer(row, score);
    }
    return top.drain().map(({ row, score }) => ({ id: this.#ids[row]!, score }));
  }

  /**
   * Writes the vectors to a fresh `vectors-<uuid>.f32` file, then points `exact-index.json` at it with a temp file
   * and a rename. A crash at any point leaves the previous pair readable: the manifest is the commit. No fsync: a
   * lost index is rebuilt from the catalog.
   */
  async persist(dir: string, options: HookOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const count = this.#ids.length;
    // Snapshot before the first await, so an upsert racing the write cannot tear it.
    const vectors = this.#data.slice(0, count * this.#dimensions);
    const manifest: Manifest = {
      format: FORMAT,
      version: VERSION,
      dimensions: this.#dimensions,
      littleEndian: endianness() === 'LE',
      vectors: `vectors-${randomUUID()}.f32`,
      ids: [...this.#ids],
    };
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, manifest.vectors), new Uint8Array(vectors.buffer, 0, vectors.byteLength));
    await commitManifest(dir, MANIFEST, manifest, VECTORS_FILE, manifest.vectors);
  }

  async load(dir: string, options: HookOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    const text = await readManifest(dir, MANIFEST);
    if (text === undefined) return false;
    const manifest = parseManifest(text, dir);
    const bytes = await readFile(join(dir, manifest.vectors));
    const values = manifest.ids.length * manifest.dimensions;
    if (bytes.byteLength !== values * 4) {
      throw new Error(
        `the exact index in ${dir} is corrupt: ${manifest.vectors} has ${bytes.byteLength} bytes, expected ${values * 4}`,
      );
    }
    const capacity = Math.max(this.#initialCapacity, manifest.ids.length);
    const data = new Float32Array(capacity * manifest.dimensions);
    // Copy byte-wise: a Buffer from readFile may start at an offset that is not a multiple of 4.
    new Uint8Array(data.buffer).set(bytes);
    this.#dimensions = manifest.dimensions;
    this.#capacity = capacity;
    this.#data = data;
    this.#ids = manifest.ids;
    this.#rows.clear();
    manifest.ids.forEach((id, row) => this.#rows.set(id, row));
    return true;
  }

  /** Makes room for `rows` rows, doubling the buffer (from `initialCapacity`) as often as needed. */
  #grow(rows: number): void {
    if (rows <= this.#capacity) return;
    let capacity = Math.max(this.#capacity, this.#initialCapacity);
    while (capacity < rows) capacity *= 2;
    const data = new Float32Array(capacity * this.#dimensions);
    data.set(this.#data.subarray(0, this.#ids.length * this.#dimensions));
    this.#data = data;
    this.#capacity = capacity;
  }
}

/** Writes `vector / ‖vector‖` into `target` at `offset` (a zero vector stays zero: it matches nothing). */
function writeNormalised(target: Float32Array, offset: number, vector: ArrayLike<number>): void {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < vector.length; i++) target[offset + i] = vector[i]! * scale;
}

function parseManifest(text: string, dir: string): Manifest {
  const corrupt = (why: string) => new Error(`the exact index in ${dir} is corrupt: ${MANIFEST} ${why}`);
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw corrupt('is not JSON');
  }
  if (value.format !== FORMAT || value.version !== VERSION) {
    throw corrupt(`is not format ${FORMAT} version ${VERSION}`);
  }
  const { dimensions, ids, vectors, littleEndian } = value;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string') || new Set(ids).size !== ids.length) {
    throw corrupt('has no list of unique ids');
  }
  if (!Number.isInteger(dimensions) || dimensions! < (ids.length > 0 ? 1 : 0)) throw corrupt('has no valid dimensions');
  // The file name comes from disk: accept only what persist() writes, never a path.
  if (typeof vectors !== 'string' || !VECTORS_FILE.test(vectors)) throw corrupt('names no vectors file');
  if (littleEndian !== (endianness() === 'LE')) {
    throw corrupt('was written on a machine of the other byte order');
  }
  return value as Manifest;
}
