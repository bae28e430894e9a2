import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkUpsertBatch, checkVector } from '@localmcp/plugin-api';
import type { HookOptions, SearchBackend, VectorHit, VectorRecord, VectorSearchOptions } from '@localmcp/plugin-api';
// The module itself rather than the package entry: vectra's index also loads its OpenAI, web-fetching and
// tokenizer modules, which cost ~0.75 s at start-up and are not used here. The version is pinned (0.12.3).
import { LocalIndex } from 'vectra/lib/LocalIndex.js';
import type { VectraOptions } from './options.js';

/** vectra's on-disk layout: one JSON file in the index folder (its LocalIndex default). */
const INDEX_FILE = 'index.json';

/**
 * A SearchBackend on vectra's LocalIndex: every vector lives in `<folder>/index.json`, rewritten by each upsert or
 * remove batch, and a search scans them all (exact cosine). Operations that touch the file run one at a time,
 * since vectra allows one update in progress and would otherwise refuse the second.
 *
 * Vectors are stored L2-normalised: vectra keeps an item's norm from its first insert when the item is replaced
 * (0.12.3's upsertItem updates the vector but not the norm), so unit vectors keep every score a true cosine.
 *
 * The first vector fixes the dimension; another dimension is accepted only while the index is empty.
 */
export class VectraSearchBackend implements SearchBackend {
  readonly #folder: string;
  readonly #temporary: boolean;
  #index: LocalIndex;
  #ids = new Set<string>();
  #dimensions = 0;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(folder: string, temporary: boolean) {
    this.#folder = folder;
    this.#temporary = temporary;
    this.#index = new LocalIndex(folder);
  }

  /** Opens the index in `options.path` (creating it if absent), or a new one in a temporary folder. */
  static async open(options: VectraOptions): Promise<VectraSearchBackend> {
    const temporary = options.path === undefined;
    const folder = temporary ? await mkdtemp(join(tmpdir(), 'localmcp-vectra-')) : resolve(options.path!);
    const backend = new VectraSearchBackend(folder, temporary);
    await backend.#open();
    return backend;
  }

  /** The folder holding the live index. */
  get folder(): string {
    return this.#folder;
  }

  size(): number {
    return this.#ids.size;
  }

  upsert(records: VectorRecord[], options: HookOptions = {}): Promise<void> {
    return this.#serially(async () => {
      options.signal?.throwIfAborted();
      if (records.length === 0) return;
      const dimensions = checkUpsertBatch(records, this.#ids.size, this.#dimensions);
      await this.#update(async (index) => {
        for (const { id, vector } of records) await index.upsertItem({ id, vector: normalised(vector), metadata: {} });
      });
      this.#dimensions = dimensions;
      for (const { id } of records) this.#ids.add(id);
    });
  }

  remove(ids: string[], options: HookOptions = {}): Promise<void> {
    return this.#serially(async () => {
      options.signal?.throwIfAborted();
      const present = ids.filter((id) => this.#ids.has(id));
      if (present.length === 0) return;
      await this.#update(async (index) => {
        for (const id of present) await index.deleteItem(id);
      });
      for (const id of present) this.#ids.delete(id);
    });
  }

  async search(vector: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]> {
    options.signal?.throwIfAborted();
    const count = this.#ids.size;
    const k = Math.min(Math.floor(options.limit), count);
    if (count === 0 || !(k > 0)) return [];
    checkVector(vector, this.#dimensions, 'the query vector');
    const { filter } = options;
    // vectra scores and sorts every item whatever topK is, so with a filter ask for all of them and keep the
    // first k accepted: exact, at no extra cost.
    const results = await this.#index.queryItems(normalised(vector), '', filter ? count : k);
    const hits: VectorHit[] = [];
    for (const { item, score } of results) {
      if (filter && !filter(item.id)) continue;
      hits.push({ id: item.id, score });
      if (hits.length === k) break;
    }
    return hits;
  }

  /** Copies the live `index.json` into `dir` (temp file + rename). Nothing to do when `dir` is the live folder. */
  persist(dir: string, options: HookOptions = {}): Promise<void> {
    return this.#serially(async () => {
      options.signal?.throwIfAborted();
      const target = resolve(dir);
      if (target === this.#folder) return;
      await mkdir(target, { recursive: true });
      await copyAtomically(join(this.#folder, INDEX_FILE), join(target, INDEX_FILE));
    });
  }

  /** Replaces the live index with the one in `dir` (checked first, so a corrupt one changes nothing). */
  load(dir: string, options: HookOptions = {}): Promise<boolean> {
    return this.#serially(async () => {
      options.signal?.throwIfAborted();
      const source = resolve(dir);
      if (!(await new LocalIndex(source).isIndexCreated())) return false;
      await readItems(new LocalIndex(source), source);
      if (source !== this.#folder) await copyAtomically(join(source, INDEX_FILE), join(this.#folder, INDEX_FILE));
      await this.#open();
      return true;
    });
  }

  close(): Promise<void> {
    return this.#serially(async () => {
      if (this.#temporary) await rm(this.#folder, { recursive: true, force: true });
    });
  }

  /** (Re)reads the live folder, creating an empty index there when it has none. */
  async #open(): Promise<void> {
    const index = new LocalIndex(this.#folder); // a fresh object: LocalIndex caches what it read
    if (!(await index.isIndexCreated())) await index.createIndex({ version: 1 });
    const { ids, dimensions } = await readItems(index, this.#folder);
    this.#index = index;
    this.#ids = ids;
    this.#dimensions = dimensions;
  }

  /** One vectra update (a single write of index.json), cancelled if `change` throws. */
  async #update(change: (index: LocalIndex) => Promise<void>): Promise<void> {
    await this.#index.beginUpdate();
    try {
      await change(this.#index);
      await this.#index.endUpdate();
    } catch (error) {
      this.#index.cancelUpdate();
      throw error;
    }
  }

  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** The ids and the dimension of the index in `folder`; a clear error when it cannot be read or is inconsistent. */
async function readItems(index: LocalIndex, folder: string): Promise<{ ids: Set<string>; dimensions: number }> {
  let items: Awaited<ReturnType<LocalIndex['listItems']>>;
  try {
    items = await index.listItems();
  } catch (error) {
    throw new Error(`the vectra index in ${folder} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const dimensions = items[0]?.vector.length ?? 0;
  if (items.some((item) => item.vector.length !== dimensions)) {
    throw new Error(`the vectra index in ${folder} mixes vectors of different dimensions`);
  }
  return { ids: new Set(items.map((item) => item.id)), dimensions };
}

/** `vector / ‖vector‖` as a plain array (vectra stores JSON); a zero vector stays zero. */
function normalised(vector: ArrayLike<number>): number[] {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  return Array.from(vector, (x) => x * scale);
}

async function copyAtomically(from: string, to: string): Promise<void> {
  const temp = `${to}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await copyFile(from, temp);
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
