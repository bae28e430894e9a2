import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCodes, LocalmcpError, errorMessage } from '@localmcp/plugin-api';
import { acquireFileLock } from '../util/file-lock.js';
import { z } from 'zod';

/** One API key as stored: never the secret, only a salted HMAC-SHA-256 of it. */
export const StoredKeySchema = z.object({
  id: z.string().regex(/^[a-z0-9]+$/),
  name: z.string(),
  scopes: z.array(z.string()),
  /** base64url, 16 random bytes: the HMAC key. */
  salt: z.string(),
  /** base64url HMAC-SHA-256(salt, secret). */
  hash: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
});
export type StoredKey = z.infer<typeof StoredKeySchema>;

export const KeyFileSchema = z.object({ version: z.literal(1), keys: z.array(StoredKeySchema) });
export type KeyFile = z.infer<typeof KeyFileSchema>;

const EMPTY: KeyFile = { version: 1, keys: [] };

/** The keys file, or an empty one when it does not exist yet; a damaged file is an error, never "no keys". */
export async function readKeyFile(file: string): Promise<KeyFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
    throw storeError(`cannot read ${file}: ${errorMessage(error)}`, error);
  }
  let parsed: ReturnType<typeof KeyFileSchema.safeParse>;
  try {
    parsed = KeyFileSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw storeError(`${file} is not valid JSON: ${errorMessage(error)}`, error);
  }
  if (!parsed.success) throw storeError(`${file} is not a localmcp keys file: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * Identity of the file's current content: a write replaces the file (new inode) and changes its mtime. Checked on
 * every authenticated request (`keys: auto`), so the stat is synchronous and builds no error for a missing file:
 * about 0.5 µs, where the async stat cost some 20 µs of CPU and a thread-pool round trip per request (issue 11).
 */
export async function keyFileVersion(file: string): Promise<string> {
  try {
    const s = statSync(file, { throwIfNoEntry: false });
    return s ? `${s.ino}:${s.mtimeMs}:${s.size}` : 'absent';
  } catch {
    return 'absent';
  }
}

/**
 * Read, change and write the keys file under a lock file, so that `keys revoke` in one process and a gateway
 * recording `lastUsedAt` in another cannot undo each other. The write is atomic (a 0600 temp file renamed over
 * the old one): a reader sees the old file or the new one, never half of one.
 */
export async function updateKeyFile<T>(
  file: string,
  change: (keys: KeyFile) => T,
  options: { lockTimeoutMs?: number } = {},
): Promise<T> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const release = await lock(`${file}.lock`, options.lockTimeoutMs ?? 5_000);
  try {
    const content = await readKeyFile(file);
    const result = change(content);
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`);
        // Flushed before the rename, so a crash cannot leave an empty keys.json in place of the old one.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw storeError(`cannot write ${file}: ${errorMessage(error)}`, error);
    }
    return result;
  } finally {
    await release();
  }
}

async function lock(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  try {
    return await acquireFileLock(path, timeoutMs);
  } catch (error) {
    throw storeError((error as Error).message, error);
  }
}

function storeError(message: string, cause?: unknown): LocalmcpError {
  return new LocalmcpError(ErrorCodes.KEY_STORE_FAILED, message, { cause });
}
