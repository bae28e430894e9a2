import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TransitionsSnapshot } from './transitions.js';

/** Where learned transitions are kept between runs. */
export interface TransitionsStore {
  load(): Promise<unknown>;
  save(snapshot: TransitionsSnapshot): Promise<void>;
}

/** `<dataDir>/predictive/transitions.json`, written to a temporary file and renamed, so a crash leaves the old one. */
export function fileTransitionsStore(dataDir: string): TransitionsStore & { path: string } {
  const path = join(dataDir, 'predictive', 'transitions.json');
  return {
    path,
    async load() {
      try {
        return JSON.parse(await readFile(path, 'utf8')) as unknown;
      } catch {
        // None yet, or unreadable: start from nothing rather than refuse to start.
        return undefined;
      }
    },
    async save(snapshot) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(snapshot));
      await rename(temporary, path);
    },
  };
}
