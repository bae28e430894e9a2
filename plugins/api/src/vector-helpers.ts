import { randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VectorRecord } from './kinds.js';

/**
 * Throws a RangeError unless `vector` has `dimensions` finite numbers. `what` names the vector in the message
 * (`the query vector`). For {@link SearchBackend} authors: the host turns the error into a clear failure.
 */
export function checkVector(vector: ArrayLike<number>, dimensions: number, what: string): void {
  if (vector.length !== dimensions) {
    throw new RangeError(
      `${what} has ${vector.length} dimensions, but this index holds ${dimensions}-dimensional vectors`,
    );
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new RangeError(`${what} has a non-finite value at position ${i}`);
  }
}

/** {@link checkVector} for an upsert record, which also needs a non-empty id. */
export function checkVectorRecord(record: VectorRecord, dimensions: number): void {
  if (typeof record.id !== 'string' || record.id === '') throw new TypeError('every record needs a non-empty id');
  checkVector(record.vector, dimensions, `the vector of "${record.id}"`);
}

/**
 * Checks a whole upsert batch before anything is touched, so a bad record leaves the index as it was, and returns
 * the batch's dimensions: an empty index takes them from the first record, a filled one keeps its own.
 */
export function checkUpsertBatch(records: readonly VectorRecord[], indexed: number, dimensions: number): number {
  const batch = indexed === 0 ? (records[0]?.vector.length ?? dimensions) : dimensions;
  if (batch === 0) throw new RangeError('cannot index a vector with 0 dimensions');
  for (const record of records) checkVectorRecord(record, batch);
  return batch;
}

/**
 * Writes `data` to `file` through a temporary file and a rename, so a crash leaves the old file or the new one,
 * never half of one. For persist() implementations.
 */
export async function writeFileAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The commit step of a two-file persist(): writes the manifest atomically (it names the data file just written),
 * then deletes older data files matching `dataFiles` that it no longer names. A crash before the manifest lands
 * leaves the previous pair readable.
 */
export async function commitManifest(
  dir: string,
  manifestName: string,
  manifest: unknown,
  dataFiles: RegExp,
  current: string | null,
): Promise<void> {
  await writeFileAtomically(join(dir, manifestName), JSON.stringify(manifest));
  const stale = (await readdir(dir)).filter((name) => dataFiles.test(name) && name !== current);
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
}

/** A manifest's text, or undefined when `dir` holds none (load() then returns false). */
export async function readManifest(dir: string, manifestName: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, manifestName), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
