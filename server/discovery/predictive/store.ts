import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisConnection } from '../../redis/connection.js';
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

/** How long a save waits for another process's save, and how long a lock outlives a process that died holding it. */
const REDIS_LOCK_WAIT_MS = 5_000;
const REDIS_LOCK_TTL_MS = 10_000;
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * `<keyPrefix>predictive:transitions` in Redis, for gateways configured with `redis`: every worker and every gateway
 * instance on that Redis adds to one model. `update` holds `<key>:lock` (SET NX with a TTL, released only by its
 * holder) while it reads, merges and writes, so concurrent saves add up instead of overwriting each other. A lock,
 * not WATCH/MULTI, because the connection is shared with the cache and the breaker state. Redis down or slow means
 * nothing is loaded and saves are retried later: learning goes on in memory.
 */
export function redisTransitionsStore(redis: RedisConnection, keyPrefix: string): TransitionsStore & { key: string } {
  const key = `${keyPrefix}predictive:transitions`;
  const lockKey = `${key}:lock`;
  const parse = (text: string | null): unknown => {
    try {
      return text === null ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return undefined;
    }
  };
  return {
    key,
    load: async () => parse(await redis.get(key).catch(() => null)),
    async update(change) {
      const token = randomUUID();
      const deadline = Date.now() + REDIS_LOCK_WAIT_MS;
      while ((await redis.set(lockKey, token, 'PX', REDIS_LOCK_TTL_MS, 'NX')) !== 'OK') {
        if (Date.now() >= deadline) throw new Error(`${lockKey} is held by another process; saving next time`);
        await sleep(10 + Math.random() * 20);
      }
      try {
        const snapshot = change(parse(await redis.get(key)));
        await redis.set(key, JSON.stringify(snapshot));
        return snapshot;
      } finally {
        await redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
      }
    },
  };
}
