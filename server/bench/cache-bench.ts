import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CACHE_META_KEY, ToolResultCache, type CacheLayer, type FetchToolResult } from '../cache/index.js';
import { CacheSchema } from '../config/cache-schema.js';
import { RedisSchema } from '../config/redis-schema.js';
import { echoServer, startGateway } from './gateway-bench.js';
import { summarize, type LatencySummary } from './stats.js';

export interface CacheBenchOptions {
  /** Measured calls per target. */
  calls: number;
  /** Calls per target before measuring (default 100). */
  warmup?: number;
  /** A Redis for the L2 figure (`redis://127.0.0.1:6379`); without one the L2 target is skipped. */
  redisUrl?: string;
  /** The CLI entry (`cli/bin/run.js`) to start `localmcp serve` with; without one the gateway targets are skipped. */
  cliPath?: string;
  onProgress?: (target: string, done: number, total: number) => void;
}

export interface CacheBenchTarget extends LatencySummary {
  name: 'direct-stdio' | 'l1-hit' | 'l2-hit' | GatewayTargetName;
  /**
   * What a call crosses: `stdio` to the echo server itself, `in-process` a `ToolResultCache.call()` in this
   * process, `gateway-http` / `gateway-stdio` a `localmcp serve` process over Streamable HTTP / stdio (in front of
   * the same echo server).
   */
  via: 'stdio' | 'in-process' | 'gateway-http' | 'gateway-stdio';
  /** Calls that failed or were not answered by the layer measured. */
  errors: number;
}

const GATEWAY_TARGETS = ['gateway-l1-hit', 'gateway-miss', 'gateway-stdio-l1-hit', 'gateway-stdio-miss'] as const;
type GatewayTargetName = (typeof GATEWAY_TARGETS)[number];

/**
 * The headline figures of issue 5, p50 in ms, null when not measured: `directP50Ms` the direct stdio call,
 * `missP50Ms` and `l1HitP50Ms` one call through the gateway over Streamable HTTP (new arguments each time, or
 * repeated), `l2HitP50Ms` an L2 hit of the cache itself (needs --redis-url), `l3HitP50Ms` always null here: L3
 * needs an embedder, and no model can be had on this machine.
 */
export interface CacheBenchHeadline {
  directP50Ms: number | null;
  missP50Ms: number | null;
  l1HitP50Ms: number | null;
  l2HitP50Ms: number | null;
  l3HitP50Ms: number | null;
}

export interface CacheBenchResult extends CacheBenchHeadline {
  calls: number;
  targets: CacheBenchTarget[];
  skipped: Array<{ name: CacheBenchTarget['name']; reason: string }>;
}

const request = (text: string) => ({
  server: 'bench',
  tool: 'echo',
  args: { text },
  identity: 'bench@bench-echo/1.0.0',
  annotations: { readOnlyHint: true },
});

async function measure(
  name: CacheBenchTarget['name'],
  via: CacheBenchTarget['via'],
  options: CacheBenchOptions,
  call: (i: number) => Promise<boolean>,
): Promise<CacheBenchTarget> {
  const warmup = options.warmup ?? 100;
  for (let i = 0; i < warmup; i++) await call(i);
  const samples: number[] = [];
  let errors = 0;
  const start = performance.now();
  for (let i = 0; i < options.calls; i++) {
    const t0 = performance.now();
    try {
      if (!(await call(warmup + i))) errors++;
    } catch {
      errors++;
    }
    samples.push(performance.now() - t0);
    if (i % 100 === 99) options.onProgress?.(name, i + 1, options.calls);
  }
  return { name, via, errors, ...summarize(samples, performance.now() - start) };
}

/**
 * One trivial tool call answered several ways in one run, so the figures compare: directly by the echo server over
 * stdio; from L1 (the same call again) and from L2 (a call another process cached in Redis: an L1 miss, a GET and a
 * parse) as `ToolResultCache.call()` in this process, without the gateway's hop; and through a real `localmcp
 * serve` process over Streamable HTTP and over stdio, as an L1 hit (the same read-only call again) and as a miss
 * (new arguments every call, so each one reaches the echo server).
 */
export async function benchCache(options: CacheBenchOptions): Promise<CacheBenchResult> {
  const client = new Client({ name: 'localmcp-cache-bench', version: '0.1.0' });
  await client.connect(new StdioClientTransport({ ...echoServer(), stderr: 'ignore' }));
  const targets: CacheBenchTarget[] = [];
  const skipped: CacheBenchResult['skipped'] = [];
  try {
    const direct = () => client.callTool({ name: 'echo', arguments: { text: 'ping' } }) as Promise<CallToolResult>;
    const fetch: FetchToolResult = () => direct();
    targets.push(await measure('direct-stdio', 'stdio', options, async () => !(await direct()).isError));

    const l1 = new ToolResultCache({ config: CacheSchema.parse({ ttlMs: 3_600_000 }) });
    const isFrom = async (cache: ToolResultCache, text: string, layer: CacheLayer) =>
      (await cache.call(request(text), fetch)).layer === layer;
    await l1.call(request('ping'), fetch);
    targets.push(await measure('l1-hit', 'in-process', options, () => isFrom(l1, 'ping', 'l1')));
    await l1.close();

    if (options.redisUrl === undefined) skipped.push({ name: 'l2-hit', reason: 'no Redis URL given' });
    else targets.push(await measureL2(options, options.redisUrl, await direct()));
  } finally {
    await client.close();
  }
  if (options.cliPath === undefined) skipped.push(...GATEWAY_TARGETS.map((name) => ({ name, reason: 'no CLI path' })));
  else targets.push(...(await measureGateway(options, options.cliPath)));
  const p50 = (name: CacheBenchTarget['name']) => targets.find((t) => t.name === name)?.p50Ms ?? null;
  return {
    directP50Ms: p50('direct-stdio'),
    missP50Ms: p50('gateway-miss'),
    l1HitP50Ms: p50('gateway-l1-hit'),
    l2HitP50Ms: p50('l2-hit'),
    l3HitP50Ms: null,
    calls: options.calls,
    targets,
    skipped,
  };
}

/**
 * `localmcp serve` in front of the same echo server, without Redis, reached over Streamable HTTP (the process the
 * HTTP targets start) and over stdio (a second process, as an MCP host runs it): an L1 hit repeats one call (the
 * echo tool is read-only, so the gateway caches it), a miss sends new arguments every time. Each answer must say
 * where it came from (`_meta['localmcp/cache']`), or it counts as an error.
 */
async function measureGateway(options: CacheBenchOptions, cliPath: string): Promise<CacheBenchTarget[]> {
  const gateway = await startGateway(cliPath, [], {
    mcpServers: { bench: echoServer() },
    cache: { ttlMs: 3_600_000 },
  });
  try {
    const overHttp = new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`));
    const overStdio = new StdioClientTransport({
      command: process.execPath,
      args: [cliPath, 'serve', '--stdio', '--config', gateway.config, '--log-level', 'warn'],
      stderr: 'ignore',
    });
    return [
      ...(await measureThrough(options, overHttp, 'gateway-http', ['gateway-l1-hit', 'gateway-miss'])),
      ...(await measureThrough(options, overStdio, 'gateway-stdio', ['gateway-stdio-l1-hit', 'gateway-stdio-miss'])),
    ];
  } finally {
    await gateway.stop();
  }
}

async function measureThrough(
  options: CacheBenchOptions,
  transport: Transport,
  via: CacheBenchTarget['via'],
  [hit, miss]: [GatewayTargetName, GatewayTargetName],
): Promise<CacheBenchTarget[]> {
  const client = new Client({ name: 'localmcp-cache-bench', version: '0.1.0' });
  await client.connect(transport);
  try {
    const call = async (text: string, layer: CacheLayer | undefined) => {
      const result = (await client.callTool({ name: 'bench__echo', arguments: { text } })) as CallToolResult;
      const cached = result._meta?.[CACHE_META_KEY] as { layer?: CacheLayer } | undefined;
      const [block] = result.content;
      return !result.isError && block?.type === 'text' && block.text === text && cached?.layer === layer;
    };
    await call('ping', undefined);
    return [
      await measure(hit, via, options, () => call('ping', 'l1')),
      await measure(miss, via, options, (i) => call(`miss ${i}`, undefined)),
    ];
  } finally {
    await client.close();
  }
}

/** A writer cache fills Redis with distinct entries; a second cache (its L1 empty) reads each once. */
async function measureL2(options: CacheBenchOptions, url: string, answer: CallToolResult): Promise<CacheBenchTarget> {
  const redis = RedisSchema.parse({ url, keyPrefix: `localmcp-bench-${randomUUID()}:` });
  const config = CacheSchema.parse({ ttlMs: 3_600_000, staleIfErrorMs: 0 });
  const [writer, reader] = [new ToolResultCache({ config, redis }), new ToolResultCache({ config, redis })];
  try {
    const deadline = Date.now() + 5_000;
    while (![writer, reader].every((c) => c.stats().l2.enabled && (c.stats().l2 as { ready: boolean }).ready)) {
      if (Date.now() > deadline) throw new Error(`Redis at ${url} is not reachable`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const total = (options.warmup ?? 100) + options.calls;
    for (let i = 0; i < total; i++) await writer.call(request(`key ${i}`), async () => answer);
    await writer.idle();
    return await measure('l2-hit', 'in-process', options, async (i) => {
      const { layer } = await reader.call(request(`key ${i}`), async () => answer);
      return layer === 'l2';
    });
  } finally {
    await writer.clear();
    await Promise.all([writer.close(), reader.close()]);
  }
}
