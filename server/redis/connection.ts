import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/redis-schema.js';
import type { Logger } from '../telemetry/logger.js';

/** A connection to the configured Redis: a single node (also through Sentinel) or a cluster. */
export type RedisConnection = Redis | Cluster;

/**
 * Opens a connection that never stalls a call path and never crashes the process:
 * - no offline queue and a short command timeout, so a command to a Redis that is down or slow fails at once and
 *   the caller carries on without it (L1 only, local breaker state);
 * - reconnects forever with capped backoff, so Redis comes back on its own;
 * - an outage is logged once when it starts and once when it ends, not per retry.
 * `role` names the connection in logs (`cache`, `breaker-sub`, ...). A subscriber connection must be its own.
 */
export function connectRedis(config: RedisConfig, logger: Logger, role: string): RedisConnection {
  const options: RedisOptions = {
    keyPrefix: undefined, // prefixes are applied by each user, so pub/sub channels get them too
    enableOfflineQueue: false,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    // 50 ms, 100 ms, ... up to 2 s between reconnects, forever.
    retryStrategy: (times) => Math.min(2_000, 50 * 2 ** Math.min(times, 6)),
    lazyConnect: false,
  };
  const connection: RedisConnection = config.cluster
    ? new Cluster(config.cluster.nodes, { redisOptions: options, enableOfflineQueue: false })
    : config.sentinel
      ? new Redis({
          ...options,
          sentinels: config.sentinel.sentinels,
          name: config.sentinel.name,
          ...(config.sentinel.password === undefined ? {} : { sentinelPassword: config.sentinel.password }),
        })
      : new Redis(config.url!, options);
  const log = logger.child({ redis: role });
  let down = false;
  connection.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: error.message }, 'Redis unavailable; carrying on without it until it returns');
  });
  connection.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('Redis is back');
  });
  return connection;
}

/** True when commands can be sent now (connected and ready); false means "skip Redis for this call". */
export function redisReady(connection: RedisConnection): boolean {
  return connection.status === 'ready';
}

/** Closes a connection without waiting on a Redis that is gone. */
export async function closeRedis(connection: RedisConnection): Promise<void> {
  try {
    await Promise.race([connection.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
  } catch {
    // already closed or unreachable
  }
  connection.disconnect();
}

/** Resolves true once the connection is ready, or false after `timeoutMs` (Redis down: carry on without it). */
export function waitReady(connection: RedisConnection, timeoutMs: number): Promise<boolean> {
  if (redisReady(connection)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      connection.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    connection.on('ready', onReady);
  });
}
