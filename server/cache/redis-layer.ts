import { Cluster, type Redis } from 'ioredis';
import type { RedisConnection } from '../redis/connection.js';
import type { Logger } from '../telemetry/logger.js';
import { decodeEntry, type CacheEntry } from './entry.js';
import { encodeServer, escapeRedisPattern } from './keys.js';

export interface RedisLayerOptions {
  connection: RedisConnection;
  /** The `redis.keyPrefix`; keys are `<keyPrefix>cache:<server>:<hash>`. */
  keyPrefix: string;
  maxEntryBytes: number;
  /** After a failed command, skip Redis for this long. */
  cooldownMs: number;
  logger: Logger;
}

export interface RedisLayerStats {
  /** Whether the connection is ready now. */
  ready: boolean;
  hits: number;
  misses: number;
  staleHits: number;
  writes: number;
  /** JSON bytes this process read from Redis (entries found, served or not) and wrote to it. */
  bytesRead: number;
  bytesWritten: number;
  /** Failed or timed-out commands and unreadable values: counted, never thrown. */
  errors: number;
  /** Lookups and writes not tried because Redis was not ready or cooling down after an error. */
  skipped: number;
  tooLarge: number;
}

/**
 * L2: entries in Redis, shared by every gateway process that uses the same Redis and key prefix. It never throws
 * and never waits on a Redis that is away: while the connection is not ready (ioredis reconnects on its own) or
 * just after a failure, it answers "miss" at once, and every call is served from L1 and the upstream.
 */
export class RedisLayer {
  readonly counters = {
    hits: 0,
    misses: 0,
    staleHits: 0,
    writes: 0,
    bytesRead: 0,
    bytesWritten: 0,
    errors: 0,
    skipped: 0,
    tooLarge: 0,
  };
  private coolUntil = 0;

  constructor(private readonly options: RedisLayerOptions) {}

  get connection(): RedisConnection {
    return this.options.connection;
  }

  /** True when a command may be sent now. */
  available(): boolean {
    return this.options.connection.status === 'ready' && performance.now() >= this.coolUntil;
  }

  /** The entry and its size, or undefined: absent (a miss, counted), unreadable, skipped or failed. */
  async get(id: string): Promise<(CacheEntry & { bytes: number }) | undefined> {
    if (!this.available()) return this.skip();
    try {
      const text = await this.options.connection.get(this.key(id));
      if (text === null) {
        this.counters.misses++;
        return undefined;
      }
      const bytes = Buffer.byteLength(text);
      this.counters.bytesRead += bytes;
      const entry = decodeEntry(text);
      if (!entry) this.counters.errors++;
      return entry && { ...entry, bytes };
    } catch (error) {
      return this.failed('get', error);
    }
  }

  /** Writes with `PX` = retention; resolves false when skipped or failed. */
  async set(id: string, json: string, retentionMs: number): Promise<boolean> {
    const bytes = Buffer.byteLength(json);
    if (bytes > this.options.maxEntryBytes) {
      this.counters.tooLarge++;
      return false;
    }
    if (!this.available()) return this.skip() ?? false;
    try {
      await this.options.connection.set(this.key(id), json, 'PX', Math.max(1, Math.round(retentionMs)));
      this.counters.writes++;
      this.counters.bytesWritten += bytes;
      return true;
    } catch (error) {
      return this.failed('set', error) ?? false;
    }
  }

  /** SCAN + UNLINK of one server's entries (or all entries) on every master; returns how many went. */
  async clear(server?: string): Promise<number> {
    if (!this.available()) return this.skip() ?? 0;
    const prefix = `${this.options.keyPrefix}cache:${server === undefined ? '' : `${encodeServer(server)}:`}`;
    const pattern = `${escapeRedisPattern(prefix)}*`;
    const { connection } = this.options;
    const nodes: Redis[] = connection instanceof Cluster ? connection.nodes('master') : [connection];
    try {
      const counts = await Promise.all(
        nodes.map((node) => unlinkMatching(node, pattern, connection instanceof Cluster)),
      );
      return counts.reduce((a, b) => a + b, 0);
    } catch (error) {
      return this.failed('clear', error) ?? 0;
    }
  }

  /** Publishes on the main connection (a subscribed connection cannot publish). */
  async publish(channel: string, message: string): Promise<boolean> {
    if (!this.available()) return this.skip() ?? false;
    try {
      await this.options.connection.publish(channel, message);
      return true;
    } catch (error) {
      return this.failed('publish', error) ?? false;
    }
  }

  key(id: string): string {
    return `${this.options.keyPrefix}cache:${id}`;
  }

  stats(): RedisLayerStats {
    return { ready: this.available(), ...this.counters };
  }

  private skip(): undefined {
    this.counters.skipped++;
    return undefined;
  }

  private failed(command: string, error: unknown): undefined {
    this.counters.errors++;
    this.coolUntil = performance.now() + this.options.cooldownMs;
    this.options.logger.debug({ command, err: error instanceof Error ? error.message : String(error) }, 'L2 skipped');
    return undefined;
  }
}

async function unlinkMatching(node: Redis, pattern: string, cluster: boolean): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length === 0) continue;
    // In a cluster one node holds many slots, and a multi-key command across slots is refused (CROSSSLOT).
    removed += cluster
      ? (await Promise.all(keys.map((key) => node.unlink(key)))).reduce((a, b) => a + b, 0)
      : await node.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}
