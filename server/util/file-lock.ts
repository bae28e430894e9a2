import { open, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock file older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 10_000;

/** Why a lock could not be taken: another process holds it past the timeout, or the file system refused. */
export class FileLockError extends Error {}

/**
 * Takes `path` as a lock file (created exclusively, so one process at a time across workers and CLI commands) and
 * resolves with its release. Waits up to `timeoutMs` for another holder; a lock older than 10 s is taken over.
 */
export async function acquireFileLock(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.close();
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new FileLockError(`cannot lock ${path}: ${(error as Error).message}`, { cause: error });
      }
    }
    // A lock left by a process that died mid-write would block every later change.
    const age = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_LOCK_MS) await unlink(path).catch(() => undefined);
    else if (Date.now() >= deadline) throw new FileLockError(`${path} is held by another process; try again`);
    else await sleep(10 + Math.random() * 20);
  }
}
