import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { acquireFileLock } from '../../util/file-lock.js';
import type { TransitionsSnapshot } from './transitions.js';

/** Where learned transitions are kept between runs, shared by every process on the same store. */
export interface TransitionsStore {
  load(): Promise<unknown>;
  /**
   * Replaces the stored snapshot with `change(stored)` atomically with respect to other processes (workers of one
   * gateway share the data dir), and resolves with what was written.
   */
  update(change: (stored: unknown) => TransitionsSnapshot): Promise<TransitionsSnapshot>;
}

/**
 * `<dataDir>/predictive/transitions.json`: read-merge-written under a lock file, and written to a temporary file then
 * renamed, so that workers add to each other's learning instead of overwriting it and a crash leaves the old file.
 */
export function fileTransitionsStore(dataDir: string): TransitionsStore & { path: string } {
  const path = join(dataDir, 'predictive', 'transitions.json');
  const load = async (): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as unknown;
    } catch {
      // None yet, or unreadable: start from nothing rather than refuse to start.
      return undefined;
    }
  };
  return {
    path,
    load,
    async update(change) {
      await mkdir(dirname(path), { recursive: true });
      const release = await acquireFileLock(`${path}.lock`, 5_000);
      try {
        const snapshot = change(await load());
        const temporary = `${path}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(snapshot));
        await rename(temporary, path);
        return snapshot;
      } finally {
        await release();
      }
    },
  };
}
