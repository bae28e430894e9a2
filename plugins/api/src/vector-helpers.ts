import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
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
