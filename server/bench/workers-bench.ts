import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { echoServer, startGateway } from './gateway-bench.js';
import { summarize, type LatencySummary } from './stats.js';

export interface WorkersBenchOptions {
  /** The CLI entry (`cli/bin/run.js`) used to start `localmcp serve`. */
  cliPath: string;
  /** Worker count compared with a single process. */
  workers: number;
  /** Clients calling at the same time (each its own session; connections are spread over the workers). */
  concurrency: number;
  /** How long each target is loaded. */
  durationMs: number;
  /** Alternate the targets this many times (1 process, N workers, 1 process, ...), so drift shows. */
  rounds: number;
  /** With a Redis: stateful sessions shared through it (as deployed). Without: both targets run --stateless. */
  redisUrl?: string;
  onProgress?: (target: string, doneMs: number, totalMs: number) => void;
}

export interface WorkersBenchTarget extends LatencySummary {
  name: string;
  workers: number;
  round: number;
  calls: number;
  errors: number;
}

/**
 * Throughput of one `localmcp serve` process against `--workers N`, same machine, same run: `concurrency` SDK
 * clients over Streamable HTTP call the trivial echo upstream (new arguments every call, so each call goes through
 * the cache to the upstream) as fast as they can for `durationMs`. Every worker runs its own echo upstream, as
 * deployed. The load generator is this one Node process, which shares the CPUs with the gateway.
 */
export async function benchWorkers(options: WorkersBenchOptions): Promise<WorkersBenchTarget[]> {
  const results: WorkersBenchTarget[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const workers of [1, options.workers]) {
      const config: Record<string, unknown> = { mcpServers: { bench: echoServer() } };
      const keyPrefix = `localmcp-bench-${randomUUID()}:`;
      if (options.redisUrl) config.redis = { url: options.redisUrl, keyPrefix };
      const args = [
        ...(options.redisUrl ? [] : ['--stateless']),
        ...(workers > 1 ? ['--workers', String(workers)] : []),
      ];
      const gateway = await startGateway(options.cliPath, args, config);
      try {
        const name = workers === 1 ? 'one process' : `${workers} workers`;
        results.push({ name, workers, round, ...(await load(`${gateway.url}/mcp`, name, options)) });
      } finally {
        await gateway.stop();
        if (options.redisUrl) await removeKeys(options.redisUrl, keyPrefix);
      }
    }
  }
  return results;
}

async function load(url: string, name: string, options: WorkersBenchOptions) {
  const clients = await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      const client = new Client({ name: 'localmcp-bench-workers', version: '0.1.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      return client;
    }),
  );
  try {
    const call = (client: Client, text: string) => client.callTool({ name: 'bench__echo', arguments: { text } });
    await Promise.all(
      clients.map(async (client, c) => {
        for (let i = 0; i < 20; i++) await call(client, `warmup-${c}-${i}`);
      }),
    );
    const samples: number[] = [];
    let errors = 0;
    const start = performance.now();
    const deadline = start + options.durationMs;
    const progress = setInterval(() => options.onProgress?.(name, performance.now() - start, options.durationMs), 250);
    await Promise.all(
      clients.map(async (client, c) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const t0 = performance.now();
          try {
            const result = await call(client, `${c}-${i}`);
            if (result.isError) errors++;
          } catch {
            errors++;
          }
          samples.push(performance.now() - t0);
        }
      }),
    );
    clearInterval(progress);
    return { calls: samples.length, errors, ...summarize(samples, performance.now() - start) };
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  }
}

/** Deletes what a target left in Redis (sessions, L2 entries, breaker states) under its own prefix. */
async function removeKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
